/**
 * The `deleteFromMirror` step of a cloud run, after a successful upload: runs
 * pruneBucket under the local repository's shared lock (so no local prune
 * changes the listing meanwhile) and logs what it deleted. It runs on every
 * sync and is a cheap no-op (two listings) unless the bucket holds files the
 * local repository no longer has, i.e. a prune or forget happened since.
 * A failure here never fails the run (the upload succeeded): the caller
 * reports it as a warning and the next sync tries again.
 */
import type { Backend } from '../backends/backend.ts';
import type { MirroredBucket } from '../cloud/bucket-mirror.ts';
import { appendOperation } from '../compliance/oplog.ts';
import type { JobContext } from '../engine.ts';
import type { Repository } from '../repo/repository.ts';
import type { SecretSource } from '../secrets/password-source.ts';
import type { MirrorPruneReport } from './mirror-prune.ts';

export type MirrorPruneStep = { ok: true; report: MirrorPruneReport } | { ok: false; error: string };

export async function deleteFromMirror(
  ctx: Pick<JobContext, 'catalog' | 'clock' | 'logger' | 'hostname'>,
  bucket: MirroredBucket,
  secrets: SecretSource,
  source: Backend,
  repository: Repository,
  options: { signal?: AbortSignal } = {},
): Promise<MirrorPruneStep> {
  try {
    const { pruneBucket } = await import('./bucket-prune.ts');
    const report = await pruneBucket(bucket, secrets, source, {
      now: ctx.clock.now(),
      lockSource: () => repository.lock(),
      ...(options.signal ? { signal: options.signal } : {}),
    });
    describe(ctx, report);
    return { ok: true, report };
  } catch (err) {
    const error = err instanceof Error ? err.message : String(err);
    ctx.logger.log('warn', `cloud: deletions after prune did not reach s3://${bucket.bucket}: ${error}`);
    return { ok: false, error };
  }
}

function describe(ctx: Pick<JobContext, 'catalog' | 'clock' | 'logger' | 'hostname'>, report: MirrorPruneReport): void {
  if (report.deferred) ctx.logger.log('info', `cloud: ${report.deferred}`);
  if (report.retained.length > 0) {
    ctx.logger.log('info', `cloud: ${report.retained.length} file(s) the local repository dropped stay in ${report.location} under Object Lock or legal hold (first until ${report.retained[0]!.until})`);
  }
  if (report.deleted === 0) return;
  ctx.logger.log('info', `cloud: deleted ${report.deleted} file(s), ${report.deletedBytes} bytes that the local repository pruned from ${report.location}`);
  appendOperation(ctx, {
    type: 'mirror-prune',
    summary: `deleted ${report.deleted} pruned file(s) from ${report.location}`,
    data: {
      location: report.location, deleted: report.deleted, deletedBytes: report.deletedBytes, deletedByType: report.deletedByType,
      retained: report.retained.length, heldBack: report.heldBack,
    },
  });
}
