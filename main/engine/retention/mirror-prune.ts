/**
 * Brings a prune (and forget) to a mirror: deletes from the mirror the files
 * the local repository no longer has. Run it only after the local prune and
 * after a sync, so the mirror already holds the local repository's new index.
 *
 * Safety, in order of importance:
 *  - nothing retained is ever deleted: target.retainedUntil() (Object Lock
 *    retain-until date or legal hold) in the future keeps the object; a kept
 *    snapshot or index may need packs and index files the local repository
 *    dropped, so once one is kept, no index or pack deletion follows;
 *  - deletion order is replication segments, snapshots, index, packs: at
 *    every instant a reader of the mirror finds every pack its index names;
 *  - nothing is deleted until every local index file is in the mirror (else
 *    a deleted old index would leave the mirror's snapshots without an index);
 *  - a mirror with key files the local repository lacks may be another
 *    repository's copy: refused;
 *  - config, keys, locks and the operations log are never deleted: the log is
 *    evidence, and a copy missing locally is a finding, not garbage.
 * Hold the local repository's lock (options.lockSource) so no local prune
 * changes the listing while this runs.
 */
import type { Backend, FileHandle, FileInfo, FileType } from '../backends/backend.ts';
import type { MirrorTarget } from '../cloud/mirror-target.ts';
import { BackupError, isBackupError } from '../errors.ts';
import { mapLimit } from '../util/map-limit.ts';

/** Deletion phases, in order; a phase starts after the previous one finished. */
export const MIRROR_PRUNE_PHASES: readonly FileType[] = ['wal', 'snapshot', 'index', 'data'];

export interface MirrorPruneOptions {
  /** Retention dates are compared with this instant. */
  now: Date;
  /** Report what would be deleted (retention dates are still read); delete nothing. */
  dryRun?: boolean;
  /** Held for the whole run, e.g. `() => repository.lock()`: no local prune may change the listing meanwhile. */
  lockSource?: () => Promise<{ release(): Promise<void> }>;
  signal?: AbortSignal;
  /** Deletions (and retention look-ups) at once within a phase. */
  concurrency?: number;
}

export interface RetainedFile {
  type: FileType;
  name: string;
  /** ISO time before which the mirror must keep it. */
  until: string;
}

export interface MirrorPruneReport {
  location: string;
  dryRun: boolean;
  /** Files deleted (or, on a dry run, that would be). */
  deleted: number;
  deletedBytes: number;
  deletedByType: Partial<Record<FileType, number>>;
  /** Files the local repository dropped that the mirror keeps until a date. */
  retained: RetainedFile[];
  /** Index files and packs not deleted because a retained snapshot or index may need them. */
  heldBack: number;
  /** Why nothing was deleted this time (the next run retries), or null. */
  deferred: string | null;
}

export async function pruneMirror(source: Backend, target: MirrorTarget, options: MirrorPruneOptions): Promise<MirrorPruneReport> {
  const report: MirrorPruneReport = {
    location: target.location(), dryRun: options.dryRun ?? false,
    deleted: 0, deletedBytes: 0, deletedByType: {}, retained: [], heldBack: 0, deferred: null,
  };
  if (!(await source.exists())) {
    throw new BackupError('not-found', `no repository at ${source.location()}: refusing to delete anything from ${target.location()}`);
  }
  const lock = options.lockSource ? await options.lockSource() : null;
  try {
    const local = await listTypes(source);
    const remote = await listTypes(target);
    const localKeys = new Set(local.get('key')!.map((f) => f.name));
    const strangers = remote.get('key')!.filter((f) => !localKeys.has(f.name));
    if (strangers.length > 0) {
      throw new BackupError('permanent',
        `refusing to delete from ${target.location()}: it holds ${strangers.length} key file(s) the local repository lacks, so it may be another repository's copy; check cloud.prefix`);
    }
    const remoteIndex = new Map(remote.get('index')!.map((f) => [f.name, f.size]));
    const unsent = local.get('index')!.filter((f) => remoteIndex.get(f.name) !== f.size);
    if (unsent.length > 0) {
      report.deferred = `${target.location()} lacks ${unsent.length} index file(s) of the local repository: deletions wait until a sync has uploaded them`;
      return report;
    }

    let holdBackFrom: 'index' | 'data' | null = null;
    for (const type of MIRROR_PRUNE_PHASES) {
      const present = new Set(local.get(type)!.map((f) => f.name));
      const gone = remote.get(type)!.filter((f) => !present.has(f.name));
      const heldBack = holdBackFrom === 'index' || (holdBackFrom === 'data' && type === 'data');
      if (heldBack) {
        report.heldBack += gone.length;
        continue;
      }
      let keptOne = false;
      await mapLimit(gone, options.concurrency ?? 4, async (file) => {
        options.signal?.throwIfAborted();
        const handle: FileHandle = { type, name: file.name };
        const until = await target.retainedUntil(handle);
        if (until && until.getTime() > options.now.getTime()) {
          report.retained.push({ type, name: file.name, until: until.toISOString() });
          keptOne = true;
          return;
        }
        if (!report.dryRun) await removeIfPresent(target, handle);
        report.deleted++;
        report.deletedBytes += file.size;
        report.deletedByType[type] = (report.deletedByType[type] ?? 0) + 1;
      });
      if (keptOne && type === 'snapshot') holdBackFrom = 'index';
      if (keptOne && type === 'index') holdBackFrom = 'data';
    }
    report.retained.sort((a, b) => a.until.localeCompare(b.until) || a.name.localeCompare(b.name));
    return report;
  } finally {
    await lock?.release();
  }
}

const LISTED: readonly FileType[] = ['key', ...MIRROR_PRUNE_PHASES];

/** Snapshots before index before packs: a backup running meanwhile adds in the opposite order. */
async function listTypes(side: { list(type: FileType): Promise<FileInfo[]> }): Promise<Map<FileType, FileInfo[]>> {
  const out = new Map<FileType, FileInfo[]>();
  for (const type of LISTED) out.set(type, await side.list(type));
  return out;
}

async function removeIfPresent(target: MirrorTarget, handle: FileHandle): Promise<void> {
  try {
    await target.remove(handle);
  } catch (err) {
    if (!(isBackupError(err) && err.kind === 'not-found')) throw err;
  }
}
