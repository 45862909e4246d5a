/**
 * Prune: removes the data no snapshot uses, under the repository's exclusive
 * lock. The order is what makes kill -9 harmless at any instant:
 *   1. read every index file and every snapshot, walk every tree (refusing on
 *      any tree that does not load);
 *   2. copy the used blobs of packs worth repacking (partly used, mixed, or
 *      small ones to consolidate) into new packs, data and trees apart
 *      (orphans until step 3: a crash leaves only extra packs);
 *   3. write a new, complete index for every kept and new pack;
 *   4. only then delete the index files read in step 1 (each deletion leaves
 *      an index naming only packs that still exist);
 *   5. last, delete the unused, repacked and orphan packs (no index names
 *      them any more; a crash leaves orphans the next prune removes).
 * The Repository object's in-memory index is stale afterwards: open the
 * repository again before writing to it.
 */
import { BackupError, isBackupError } from '../errors.ts';
import { decodeIndex, encodeIndex, type IndexPack } from '../repo/index-file.ts';
import { MasterIndex } from '../repo/master-index.ts';
import { packSizeOf } from '../repo/pack.ts';
import { DEFAULT_PACK_SIZE, type Repository } from '../repo/repository.ts';
import { mapLimit } from '../util/map-limit.ts';
import { DEFAULT_MAX_UNUSED_PERCENT, planPrune, type PrunePlan } from './prune-plan.ts';
import { repackBlobs } from './repack.ts';
import { findUsedBlobs } from './used-blobs.ts';

/** restic starts a new index file at about this many blobs; readers take any size. */
const BLOBS_PER_INDEX_FILE = 50_000;
const IO_CONCURRENCY = 8;

export type PrunePhase = 'snapshots' | 'trees' | 'repack' | 'index' | 'delete';

export interface PruneProgress {
  phase: PrunePhase;
  done: number;
  total: number;
}

export interface PruneOptions {
  /** Plan and report only; nothing is written or deleted (takes a shared lock, not an exclusive one). */
  dryRun?: boolean;
  /** Unused bytes tolerated in partly used packs, as a share of the repository after the prune (default 5). */
  maxUnusedPercent?: number;
  /**
   * Size of the packs a repack writes (small in tests); packs below 1/25 of it
   * are small and get consolidated (prune-plan.ts). Default 16 MiB, restic's.
   */
  packSize?: number;
  signal?: AbortSignal;
  onProgress?: (p: PruneProgress) => void;
}

export interface PruneReport {
  dryRun: boolean;
  snapshots: number;
  maxUnusedPercent: number;
  packsBefore: number;
  /** Unused and orphan packs deleted (or, on a dry run, that would be). */
  packsDeleted: number;
  packsRepacked: number;
  /** Of packsRepacked: fully used packs repacked only because they were small (consolidation). */
  smallPacksRepacked: number;
  packsWritten: number;
  packsKept: number;
  /** Of packsDeleted: files no index named (left by an interrupted backup or prune). */
  orphanPacks: number;
  blobsKept: number;
  blobsRemoved: number;
  blobsRepacked: number;
  bytesBefore: number;
  bytesAfter: number;
  bytesFreed: number;
  /** Bytes of new packs the repack wrote (estimated on a dry run). */
  bytesRepacked: number;
  unusedBytesKept: number;
  indexFilesRemoved: number;
  indexFilesWritten: number;
}

export async function pruneRepository(repository: Repository, options: PruneOptions = {}): Promise<PruneReport> {
  const dryRun = options.dryRun ?? false;
  const maxUnusedPercent = options.maxUnusedPercent ?? DEFAULT_MAX_UNUSED_PERCENT;
  const signal = options.signal;
  const progress = (phase: PrunePhase, done: number, total: number): void => options.onProgress?.({ phase, done, total });
  await repository.flush(); // our own unwritten blobs must not look unused
  signal?.throwIfAborted();
  const lock = await repository.lock({ exclusive: !dryRun });
  try {
    // Read the index again under the lock: another process may have changed it since the repository was opened.
    const indexFiles = await repository.backend.list('index');
    const index = new MasterIndex();
    const decoded = await mapLimit(indexFiles, IO_CONCURRENCY, async (f) => decodeIndex(await repository.loadUnpacked('index', f.name), `index ${f.name.slice(0, 8)}`));
    for (const file of decoded) {
      index.addIndex(file);
      repository.masterIndex.addIndex(file); // so tree loads find packs written since the repository was opened
    }
    const stored = new Map((await repository.backend.list('data')).map((f) => [f.name, f.size]));

    progress('snapshots', 0, 0);
    let snapshots;
    try {
      snapshots = await repository.listSnapshots();
    } catch (err) {
      throw new BackupError('permanent', `refusing to prune: ${isBackupError(err) ? err.message : String(err)}`, { cause: err });
    }
    progress('snapshots', snapshots.length, snapshots.length);
    const used = await findUsedBlobs(repository, snapshots, {
      ...(signal ? { signal } : {}),
      onProgress: (p) => progress('trees', p.trees, 0),
    });
    signal?.throwIfAborted();
    const packSize = options.packSize ?? DEFAULT_PACK_SIZE;
    const plan = planPrune({ packs: index.packEntries(), stored, used, maxUnusedPercent, targetPackSize: packSize });
    const bytesBefore = [...stored.values()].reduce((n, s) => n + s, 0);
    const report = baseReport(plan, { dryRun, snapshots: snapshots.length, maxUnusedPercent, packsBefore: stored.size, bytesBefore });
    if (dryRun) return report;
    const nothingToDo = plan.remove.length + plan.repack.length + plan.orphans.length + plan.missingUnused.length === 0;
    if (nothingToDo) return report;

    const repacked = await repackBlobs(repository, plan.repack, {
      packSize,
      ...(signal ? { signal } : {}),
      onProgress: (p) => progress('repack', p.packsDone, p.packsTotal),
    });
    signal?.throwIfAborted();

    // The commit point: once this index is stored, the old index files and the packs are redundant.
    const packs = [...plan.keep, ...repacked.packs];
    const written = await writeIndex(repository, packs);
    progress('index', written, written);

    const doomedPacks = [...plan.remove, ...plan.repack, ...plan.orphans];
    const total = indexFiles.length + doomedPacks.length;
    let done = 0;
    for (const file of indexFiles) {
      await removeIfPresent(repository, 'index', file.name);
      progress('delete', ++done, total);
    }
    await mapLimit(doomedPacks, IO_CONCURRENCY, async (pack) => {
      await removeIfPresent(repository, 'data', pack.id);
      progress('delete', ++done, total);
    });

    const after = packs.reduce((n, p) => n + packSizeOf(p.blobs), 0);
    return {
      ...report,
      packsWritten: repacked.packs.length,
      bytesRepacked: repacked.bytesWritten,
      bytesAfter: after,
      bytesFreed: bytesBefore - after,
      indexFilesRemoved: indexFiles.length,
      indexFilesWritten: written,
    };
  } finally {
    await lock.release();
  }
}

function baseReport(plan: PrunePlan, head: Pick<PruneReport, 'dryRun' | 'snapshots' | 'maxUnusedPercent' | 'packsBefore' | 'bytesBefore'>): PruneReport {
  const deleted = [...plan.remove, ...plan.orphans].reduce((n, p) => n + p.size, 0) + plan.repack.reduce((n, p) => n + p.size, 0);
  // A dry run's estimate of the new packs: the copied blobs and their header entries (in one pack per type).
  const repackedBlobs = plan.repack.flatMap((p) => p.used);
  const estimate = repackedBlobs.length === 0 ? 0 : packSizeOf(repackedBlobs);
  const bytesAfter = head.bytesBefore - deleted + estimate;
  return {
    ...head,
    packsDeleted: plan.remove.length + plan.orphans.length,
    packsRepacked: plan.repack.length,
    smallPacksRepacked: plan.smallPacksRepacked,
    packsWritten: 0,
    packsKept: plan.keep.length,
    orphanPacks: plan.orphans.length,
    blobsKept: plan.blobsUsed,
    blobsRemoved: plan.blobsRemoved,
    blobsRepacked: plan.blobsRepacked,
    bytesAfter,
    bytesFreed: head.bytesBefore - bytesAfter,
    bytesRepacked: estimate,
    unusedBytesKept: plan.unusedBytesKept,
    indexFilesRemoved: 0,
    indexFilesWritten: 0,
  };
}

/** Writes the index for `packs` in files of about BLOBS_PER_INDEX_FILE blobs; returns how many files. */
async function writeIndex(repository: Repository, packs: readonly IndexPack[]): Promise<number> {
  let files = 0;
  let batch: IndexPack[] = [];
  let blobs = 0;
  const flush = async (): Promise<void> => {
    if (batch.length === 0) return;
    await repository.saveUnpacked('index', encodeIndex({ packs: batch }));
    files++;
    batch = [];
    blobs = 0;
  };
  for (const pack of packs) {
    batch.push(pack);
    blobs += pack.blobs.length;
    if (blobs >= BLOBS_PER_INDEX_FILE) await flush();
  }
  await flush();
  return files;
}

async function removeIfPresent(repository: Repository, type: 'index' | 'data', name: string): Promise<void> {
  try {
    await repository.backend.remove({ type, name });
  } catch (err) {
    if (!(isBackupError(err) && err.kind === 'not-found')) throw err;
  }
}
