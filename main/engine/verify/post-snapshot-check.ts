/**
 * Runs the metadata check on a snapshot a job has just written and records
 * the result in the catalog's `verifications` (level 'metadata'), where the
 * alert rules read it. A failure makes the job fail: a snapshot whose trees
 * or blobs are missing cannot be restored and must not count as a backup.
 */
import { VerificationStore } from '../catalog/verification-store.ts';
import type { JobContext } from '../engine.ts';
import { BackupError, describeError } from '../errors.ts';
import type { Repository } from '../repo/repository.ts';
import type { Id } from '../repo/types.ts';
import { LOCAL_DESTINATION } from './destinations.ts';
import { checkSnapshotMetadata, type MetadataCheckReport } from './metadata-check.ts';

export async function verifyNewSnapshot(ctx: Pick<JobContext, 'catalog' | 'clock' | 'logger'>, repository: Repository, snapshotId: Id): Promise<MetadataCheckReport> {
  const store = new VerificationStore(ctx.catalog);
  let report: MetadataCheckReport;
  try {
    report = await checkSnapshotMetadata(repository, snapshotId);
  } catch (err) {
    // An I/O failure during the check is still a failed verification: record it, then let the job fail.
    store.record({
      time: ctx.clock.now().toISOString(), level: 'metadata', destination: LOCAL_DESTINATION, ok: false, snapshotId,
      report: { snapshotId, ok: false, errors: [{ message: describeError(err) }] },
    });
    throw err;
  }
  // Every verification report names its problems `errors`, whatever the level.
  const { problems, ...summary } = report;
  store.record({
    time: ctx.clock.now().toISOString(), level: 'metadata', destination: LOCAL_DESTINATION, ok: report.ok, snapshotId,
    report: { ...summary, errors: problems },
  });
  if (!report.ok) {
    const first = report.problems[0]?.message ?? 'unknown problem';
    const more = report.problemCount > 1 ? ` (and ${report.problemCount - 1} more)` : '';
    ctx.logger.log('error', 'snapshot failed its metadata check', { snapshot: snapshotId.slice(0, 8), problems: report.problemCount });
    throw new BackupError(
      'permanent',
      `snapshot ${snapshotId.slice(0, 8)} failed its metadata check: ${first}${more}; it does not count as a backup. Run 'quantai-backup verify --read-data' to see what is damaged, then take a new snapshot`,
    );
  }
  return report;
}
