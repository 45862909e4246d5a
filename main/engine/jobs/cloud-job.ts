/**
 * `cloud`: mirrors the local repository to the configured bucket, then (replica
 * mode 'mirror') to the replica bucket as a second destination. Recorded in
 * the catalog's runs as job 'cloud', each bucket's result in the run details;
 * the health model's destination staleness reads them. Local backups are never
 * touched: a bucket that is missing or refuses us fails this run only.
 * The AWS SDK is loaded when the job runs (bucket-mirror.ts), not with the engine.
 */
import { hostname } from 'node:os';
import { LocalBackend } from '../backends/local-backend.ts';
import type { Config } from '../config/config-schema.ts';
import type { JobContext } from '../engine.ts';
import { BackupError } from '../errors.ts';
import type { SecretSource } from '../secrets/password-source.ts';
import { activeBlackout } from '../schedule/blackout-window.ts';
import { uploadCapBytesPerSecond } from '../schedule/upload-throttle.ts';
import type { MirrorReport } from '../cloud/mirror.ts';
import { objectPolicy, packBlobTypes } from '../cloud/object-policy.ts';
import { replicaTargets } from '../cloud/replica.ts';
import { UploadPacer } from '../cloud/upload-pacer.ts';
import { Repository } from '../repo/repository.ts';
import { recordRun } from './run-recorder.ts';
import { deleteFromMirror, type MirrorPruneStep } from '../retention/mirror-prune-step.ts';

export interface CloudSyncOptions {
  signal?: AbortSignal;
  /** A cap (KiB/s) for this run at all hours, on top of the market-hours cap. */
  limitKiBps?: number;
  /** Multipart part size in bytes (tests and the benchmark). */
  partSize?: number;
}

/** One bucket's part of a run: the main bucket ('primary') or the replica bucket in mode 'mirror'. */
export type BucketResult =
  | ({ role: 'primary' | 'replica'; bucket: string; ok: true } & MirrorReport & { location: string })
  | { role: 'primary' | 'replica'; bucket: string; ok: false; location: string; error: string };

export interface CloudSyncOutcome extends MirrorReport {
  runId: number;
  location: string;
  /** The replica bucket's result in mode 'mirror'; absent otherwise. */
  replica?: BucketResult;
  /** Deletions a local prune made, brought to the main bucket after the upload (retention/mirror-prune.ts). */
  mirrorPrune: MirrorPruneStep;
  /** The same for the replica bucket in mode 'mirror', after its upload succeeded. */
  replicaPrune?: MirrorPruneStep;
}

/** The cap at an instant: the market-hours cap inside a blackout, the run's own cap always; the tighter wins. */
export function cloudCapAt(config: Config, limitKiBps: number | undefined): (now: Date) => number | null {
  return (now) => {
    const inBlackout = activeBlackout(now, config.schedule.blackouts, config.schedule.timezone) !== null;
    const caps = [uploadCapBytesPerSecond(inBlackout, config.schedule.marketHoursUploadKiBps), limitKiBps ? limitKiBps * 1024 : null]
      .filter((c): c is number => c !== null);
    return caps.length > 0 ? Math.min(...caps) : null;
  };
}

export async function runCloudSyncJob(ctx: JobContext, config: Config, secrets: SecretSource, options: CloudSyncOptions = {}): Promise<CloudSyncOutcome> {
  const cloud = config.cloud;
  if (!cloud.enabled || !cloud.bucket) {
    throw new BackupError('permanent', `the cloud tier is not enabled: set cloud.enabled and cloud.bucket in ${ctx.engine.paths.configFile}`);
  }
  const main = { ...cloud, bucket: cloud.bucket };
  const run = await recordRun(ctx, 'cloud', async (runId) => {
    const { mirrorToBucket } = await import('../cloud/bucket-mirror.ts');
    const source = new LocalBackend(config.repository.path);
    if (!(await source.exists())) {
      throw new BackupError('not-found', `no repository at ${source.location()}: nothing to mirror to s3://${main.bucket}`);
    }
    // The local index says which packs hold trees (tagged so they never freeze) and decrypts snapshots for their lock dates.
    const repo = await Repository.open(source, await secrets.repositoryPassword(), { logger: ctx.logger });
    const now = ctx.clock.now();
    const policy = objectPolicy({
      packTypes: packBlobTypes(repo), loadSnapshot: (id) => repo.loadSnapshot(id), config, lockMode: cloud.objectLock?.mode, now,
    });
    const pacer = new UploadPacer({ clock: ctx.clock, capAt: cloudCapAt(config, options.limitKiBps) });
    const mirrorTo = async (role: 'primary' | 'replica', bucket: typeof main): Promise<BucketResult> => {
      try {
        const report = await mirrorToBucket(bucket, secrets, {
          source, host: ctx.hostname || hostname(), backupTime: now, pacer, objectOptions: policy,
          ...(options.partSize ? { partSize: options.partSize } : {}),
          ...(options.signal ? { signal: options.signal } : {}),
          onProgress: (p) => ctx.events.emit('job-progress', {
            job: 'cloud', runId, phase: role === 'primary' ? p.phase : `replica ${p.phase}`, bytes: p.bytes, totalBytes: p.totalBytes,
            ...(p.totalBytes > 0 ? { percent: Math.min(100, Math.round((100 * p.bytes) / p.totalBytes)) } : {}),
          }),
        });
        ctx.logger.log('info', `cloud: uploaded ${report.uploaded} file(s), ${report.uploadedBytes} bytes to ${report.location}; ${report.skipped} already there`);
        return { role, bucket: bucket.bucket, ok: true, ...report };
      } catch (err) {
        if (role === 'primary' || options.signal?.aborted) throw err;
        const error = err instanceof Error ? err.message : String(err);
        ctx.logger.log('warn', `cloud: the replica bucket ${bucket.bucket} was not mirrored: ${error}`);
        return { role, bucket: bucket.bucket, ok: false, location: `s3://${bucket.bucket}`, error };
      }
    };
    // The main bucket first: a failure there fails the run before the replica is touched.
    const primary = await mirrorTo('primary', main);
    if (!primary.ok) throw new BackupError('fatal', primary.error);
    // Issue 8: what a local prune or forget removed leaves the bucket only now, after the upload; never under Object Lock or hold.
    const mirrorPrune = await deleteFromMirror(ctx, main, secrets, source, repo, options.signal ? { signal: options.signal } : {});
    const [replicaSettings] = replicaTargets(main);
    const replica = replicaSettings ? await mirrorTo('replica', replicaSettings) : undefined;
    // The replica bucket (mode 'mirror') is a full copy too: it loses the pruned files the same way.
    const replicaPrune = replicaSettings && replica?.ok ? await deleteFromMirror(ctx, replicaSettings, secrets, source, repo, options.signal ? { signal: options.signal } : {}) : undefined;
    const { role: _role, ok: _ok, bucket: _bucket, ...report } = primary;
    return {
      // A replica that failed leaves the main copy good: a warning, with the reason in the details.
      result: (replica && !replica.ok) || !mirrorPrune.ok || replicaPrune?.ok === false ? 'warning' as const : 'success' as const,
      bytesAdded: report.uploadedBytes + (replica?.ok ? replica.uploadedBytes : 0),
      details: { ...report, ...(replica ? { replica } : {}), mirrorPrune, ...(replicaPrune ? { replicaPrune } : {}) },
      outcome: { ...report, ...(replica ? { replica } : {}), mirrorPrune, ...(replicaPrune ? { replicaPrune } : {}) },
    };
  });
  return { ...run.outcome, runId: run.runId };
}
