/**
 * `offsite copy` and the scheduled 'offsite' job: copies the local repository
 * onto the enrolled drive that is mounted (or the one named), recorded as run
 * 'offsite' and as an offsite_copies row saying which snapshots the drive
 * holds afterwards, up to which date (the rotation register reads it).
 */
import { LocalBackend } from '../backends/local-backend.ts';
import { appendOperation } from '../compliance/oplog.ts';
import type { Config } from '../config/config-schema.ts';
import type { JobContext } from '../engine.ts';
import { isBackupError } from '../errors.ts';
import type { MirrorPruneStep } from '../retention/mirror-prune-step.ts';
import type { MountedVolume } from '../offsite/drive-identity.ts';
import { validateDriveLabel } from '../offsite/enrolment.ts';
import { requireMountedDrive, type MountedDrive } from '../offsite/mounted-drives.ts';
import { copyToDrive, type DriveCopyReport } from '../offsite/offsite-copy.ts';
import { OffsiteStore } from '../offsite/offsite-store.ts';
import { FORMAT_DOC, findResticBinary } from '../offsite/recovery-kit.ts';
import { Repository } from '../repo/repository.ts';
import { compareRfc3339, parseRfc3339Nano } from '../util/rfc3339.ts';
import { recordRun } from './run-recorder.ts';

export interface OffsiteCopyOptions {
  /** The enrolled drive to copy to; the only mounted one when absent. */
  label?: string;
  signal?: AbortSignal;
  /** Mounted volumes (tests); read from the system when absent. */
  volumes?: readonly MountedVolume[];
  /** The restic binary for the recovery kit; found on PATH when absent, null: none. */
  resticBinary?: string | null;
}

export interface OffsiteCopyOutcome extends DriveCopyReport {
  runId: number;
  label: string;
  mountPath: string;
  repositoryPath: string;
  /** Snapshots on the drive after the copy. */
  snapshotIds: string[];
  newestSnapshotTime: string | null;
}

export async function runOffsiteCopyJob(ctx: JobContext, config: Config, password: string, options: OffsiteCopyOptions = {}): Promise<OffsiteCopyOutcome> {
  // A malformed label is bad input (exit 2), not a failed run.
  if (options.label !== undefined) validateDriveLabel(options.label);
  const store = new OffsiteStore(ctx.catalog);
  const run = await recordRun(ctx, 'offsite', async (runId) => {
    const mounted = await requireMountedDrive(store, options.label, options.volumes);
    // Opening proves the password and the local repository's mount before anything is written.
    const local = await ctx.engine.openRepository(config);
    const copyId = store.startCopy(mounted.drive.id, runId, ctx.clock.now());
    try {
      const report = await copyToDrive({
        source: new LocalBackend(config.repository.path), mounted, repositoryId: local.id, hostname: ctx.hostname, now: ctx.clock.now(),
        resticBinary: options.resticBinary === undefined ? await findResticBinary() : options.resticBinary,
        formatDoc: FORMAT_DOC,
        ...(options.signal ? { signal: options.signal } : {}),
        lockSource: () => local.lock(),
        onProgress: (p) => ctx.events.emit('job-progress', {
          job: 'offsite', runId, phase: p.phase, bytes: p.bytes, totalBytes: p.totalBytes,
          ...(p.totalBytes > 0 ? { percent: Math.min(100, Math.round((100 * p.bytes) / p.totalBytes)) } : {}),
        }),
      });
      // Read back through the drive's own key files: the password opens the copy, and its snapshots are listed from it.
      const onDrive = await Repository.open(new LocalBackend(mounted.repositoryPath), password);
      const snapshots = await onDrive.listSnapshots();
      const snapshotIds = snapshots.map((s) => s.id).sort();
      const newest = snapshots.map((s) => s.snapshot.time).sort(compareRfc3339).at(-1);
      const newestSnapshotTime = newest === undefined ? null : new Date(Number(parseRfc3339Nano(newest) / 1_000_000n)).toISOString();
      store.finishCopy(copyId, {
        finishedAt: ctx.clock.now(), ok: true, newestSnapshotTime, snapshotIds, filesCopied: report.uploaded, bytesCopied: report.uploadedBytes,
      });
      ctx.catalog.addEvent({
        time: ctx.clock.now().toISOString(), level: 'info', type: 'offsite-copied',
        message: `copied ${report.uploaded} file(s) to offsite drive '${mounted.drive.label}'; it holds ${snapshotIds.length} snapshot(s) up to ${newestSnapshotTime ?? 'none'}`,
        data: { driveId: mounted.drive.id, label: mounted.drive.label, copied: report.uploaded, bytes: report.uploadedBytes },
      });
      ctx.logger.log('info', `offsite: copied ${report.uploaded} file(s), ${report.uploadedBytes} bytes to ${mounted.repositoryPath}; ${report.skipped} already there`);
      describePrune(ctx, mounted.drive.label, report.mirrorPrune);
      const outcome = {
        ...report, label: mounted.drive.label, mountPath: mounted.mountPath, repositoryPath: mounted.repositoryPath, snapshotIds, newestSnapshotTime,
      };
      // The copy is good even when its deletions failed: a warning, and the next copy deletes again.
      return { result: report.mirrorPrune.ok ? 'success' as const : 'warning' as const, bytesAdded: report.uploadedBytes, details: { ...outcome, snapshotIds: snapshotIds.length }, outcome };
    } catch (err) {
      store.finishCopy(copyId, { finishedAt: ctx.clock.now(), ok: false, error: isBackupError(err) || err instanceof Error ? err.message : String(err) });
      throw err;
    }
  });
  return { ...run.outcome, runId: run.runId };
}

/** Logs what the local prune took off the drive, and records deletions in the operations log (they are evidence). */
function describePrune(ctx: JobContext, label: string, step: MirrorPruneStep): void {
  if (!step.ok) {
    ctx.logger.log('warn', `offsite: pruned files were not deleted from drive '${label}' (the next copy tries again): ${step.error}`);
    return;
  }
  const r = step.report;
  if (r.deferred) ctx.logger.log('info', `offsite: ${r.deferred}`);
  if (r.deleted === 0) return;
  ctx.logger.log('info', `offsite: deleted ${r.deleted} file(s), ${r.deletedBytes} bytes that the local repository pruned from drive '${label}'`);
  appendOperation(ctx, {
    type: 'mirror-prune',
    summary: `deleted ${r.deleted} pruned file(s) from offsite drive '${label}'`,
    data: { location: r.location, label, deleted: r.deleted, deletedBytes: r.deletedBytes, deletedByType: r.deletedByType },
  });
}

/**
 * The drive the scheduled copy writes to when several enrolled drives are
 * mounted: the one whose last good copy is oldest (never copied first), so
 * the copy lands on the drive the rotation needs next.
 */
export function drivePickedForScheduledCopy(store: OffsiteStore, mounted: readonly MountedDrive[]): MountedDrive | null {
  const age = (m: MountedDrive): string => store.lastCopy(m.drive.id, { okOnly: true })?.finishedAt ?? '';
  return [...mounted].sort((a, b) => (age(a) < age(b) ? -1 : age(a) > age(b) ? 1 : a.drive.label < b.drive.label ? -1 : 1))[0] ?? null;
}
