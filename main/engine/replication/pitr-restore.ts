/**
 * Point-in-time restore: rebuilds the database as it was at time T. The base
 * snapshot the plan chooses is restored (checked against its manifest) to a
 * temporary file beside the target, each segment's frames are rolled onto it
 * as the plan takes the segment (frame-apply.ts; one read per segment), the
 * file is cut to the last commit's size and synced, then
 * integrity_check and the required tables are checked and only then is the
 * file renamed onto the target. Any failure removes the temporary file.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, stat, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { BackupError } from '../errors.ts';
import type { Repository } from '../repo/repository.ts';
import { restoreDatabase } from '../restore/restore-database.ts';
import { checkDatabaseFile } from '../sources/sqlite/check-database.ts';
import { removeDatabaseFiles } from '../sources/sqlite/copy-database.ts';
import type { DatabaseManifest } from '../sources/sqlite/database-manifest.ts';
import { readDatabaseSnapshot } from '../sources/sqlite/read-database-snapshot.ts';
import { PageBatch, setDatabasePages } from './frame-apply.ts';
import { planPointInTime, type PitrPlan, type PlannedSegment } from './pitr-plan.ts';
import type { PitrSource } from './pitr-source.ts';
import { checkTarget, installFile } from '../restore/database-target.ts';
import type { WalSegment } from './wal-segment-codec.ts';

export interface PitrRestoreOptions {
  /** Path of the database file to create. */
  to: string;
  /** Replace an existing file (renamed aside, never deleted). */
  force?: boolean;
  signal?: AbortSignal;
}

export interface PitrRestoreResult {
  path: string;
  sha256: string;
  size: number;
  integrityCheck: 'ok';
  tables: Record<string, number>;
  /** Frames rolled onto the base (after overlaps were skipped). */
  framesApplied: number;
  replacedTo?: string;
}

export interface PitrRestoreRequest {
  at: Date;
  now: Date;
}

/** Plans and restores in one pass: each segment is read once, applied right after the plan takes it. */
export async function restorePointInTime(
  repo: Repository,
  source: PitrSource,
  request: PitrRestoreRequest,
  opts: PitrRestoreOptions,
): Promise<{ plan: PitrPlan; result: PitrRestoreResult }> {
  const target = resolve(opts.to);
  const force = opts.force ?? false;
  await checkTarget(target, force);
  await mkdir(dirname(target), { recursive: true });
  const partial = join(dirname(target), `${basename(target)}.pitr-${randomBytes(6).toString('hex')}`);
  let file: FileHandle | null = null;
  try {
    let manifest: DatabaseManifest | null = null;
    let dbSizePages = 0;
    let framesApplied = 0;
    const plan = await planPointInTime({
      bases: source.bases, segments: source.segments, at: request.at, now: request.now, commitsOf: source.commitsOf,
      visit: {
        async onBase(base) {
          const entry = await repo.findSnapshot(base.snapshotId);
          manifest = (await readDatabaseSnapshot(repo, entry)).manifest;
          // The base as stored, checked against its manifest (size, SHA-256, integrity_check, row counts).
          await restoreDatabase(repo, entry.id, { to: partial, ...(opts.signal ? { signal: opts.signal } : {}) });
          file = await open(partial, 'r+');
        },
        async onSegment(planned) {
          if (opts.signal?.aborted) throw new BackupError('permanent', 'the restore was cancelled', { cause: opts.signal.reason });
          const applied = await applySegment(file!, await source.loadSegment(planned.segment), planned, manifest!.page_size);
          dbSizePages = applied.dbSizePages;
          framesApplied += applied.frames;
        },
      },
    });
    const handle = file as FileHandle | null;
    if (!handle || !manifest) throw new BackupError('fatal', 'the point-in-time plan chose no base snapshot');
    const { page_size: pageSize, verification } = manifest as DatabaseManifest;
    if (dbSizePages > 0) await setDatabasePages(handle, pageSize, dbSizePages);
    await handle.sync();
    await handle.close();
    file = null;
    const check = await checkDatabaseFile(
      partial,
      { requiredTables: verification.required_tables, check: 'integrity_check', label: `the database restored to ${plan.reachedAt.toISOString()}` },
      opts.signal,
    );
    const { sha256, size } = await hashFile(partial);
    const replacedTo = await installFile(partial, target, force);
    return { plan, result: { path: target, sha256, size, integrityCheck: 'ok', tables: check.tables, framesApplied, ...(replacedTo ? { replacedTo } : {}) } };
  } catch (err) {
    await (file as FileHandle | null)?.close();
    await removeDatabaseFiles(partial);
    throw err;
  }
}

/** Writes one planned segment's frames (the newest image of each page) onto the file. */
async function applySegment(file: FileHandle, segment: WalSegment, planned: PlannedSegment, basePageSize: number): Promise<{ dbSizePages: number; frames: number }> {
  const name = planned.segment.name;
  if (segment.pageSize !== basePageSize) {
    throw new BackupError('fatal', `WAL segment ${name} has ${segment.pageSize}-byte pages but its base snapshot has ${basePageSize}: the generation is damaged`);
  }
  const batch = new PageBatch(segment.pageSize);
  for (let seq = planned.fromFrame; seq <= planned.throughFrame; seq++) {
    const frame = segment.frames[seq - segment.firstSeq];
    if (!frame) throw new BackupError('fatal', `WAL segment ${name} lacks frame ${seq}: it is damaged`);
    batch.set(frame.pageNumber, frame.page);
  }
  const last = segment.commits.findLast((c) => c.frameSeq <= planned.throughFrame);
  if (!last || last.frameSeq !== planned.throughFrame) {
    throw new BackupError('fatal', `WAL segment ${name} has no commit at frame ${planned.throughFrame}: it is damaged`);
  }
  await batch.writeTo(file);
  return { dbSizePages: last.dbSizePages, frames: planned.throughFrame - planned.fromFrame + 1 };
}

async function hashFile(path: string): Promise<{ sha256: string; size: number }> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return { sha256: hash.digest('hex'), size: (await stat(path)).size };
}
