/**
 * Restores a database snapshot to a file. The file appears at its target
 * only complete and checked: it is rebuilt beside the target under a
 * `.partial-<random>` name, compared with the manifest's SHA-256, checked by
 * SQLite's integrity_check, synced, and then renamed into place atomically.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, open } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { BackupError } from '../errors.ts';
import type { Repository } from '../repo/repository.ts';
import { checkDatabaseFile } from '../sources/sqlite/check-database.ts';
import { removeDatabaseFiles } from '../sources/sqlite/copy-database.ts';
import { loadSegment, readDatabaseSnapshot } from '../sources/sqlite/read-database-snapshot.ts';
import { checkTarget, installFile } from './database-target.ts';

export interface RestoreDatabaseOptions {
  /** Path of the database file to create. */
  to: string;
  /** Replace an existing file (and remove its stale -wal/-shm/-journal files). */
  force?: boolean;
  signal?: AbortSignal;
}

export interface RestoreDatabaseResult {
  path: string;
  sha256: string;
  size: number;
  integrityCheck: 'ok';
  tables: Record<string, number>;
  /** With --force over an existing database: where the replaced file (and its -wal/-shm) now are. */
  replacedTo?: string;
}

const PREFETCH_SEGMENTS = 4;

export async function restoreDatabase(repo: Repository, snapshotRef: string, opts: RestoreDatabaseOptions): Promise<RestoreDatabaseResult> {
  const target = resolve(opts.to);
  await checkTarget(target, opts.force ?? false);
  const entry = await repo.findSnapshot(snapshotRef);
  const { manifest, segmentTrees } = await readDatabaseSnapshot(repo, entry);

  await mkdir(dirname(target), { recursive: true });
  const partial = join(dirname(target), `${basename(target)}.partial-${randomBytes(6).toString('hex')}`);
  try {
    const hash = createHash('sha256');
    let size = 0;
    // 0600: a restored trading database is as private as the live one.
    const file = await open(partial, 'wx', 0o600);
    try {
      // Read a few segments ahead while the current one is written.
      const ahead: Promise<Buffer>[] = [];
      let next = 0;
      const fill = () => {
        while (ahead.length < PREFETCH_SEGMENTS && next < segmentTrees.length) {
          const load = loadSegment(repo, segmentTrees[next++]!);
          // Its error is thrown where it is awaited; this only keeps a load left behind by an earlier failure from being unhandled.
          load.catch((err: unknown) => void err);
          ahead.push(load);
        }
      };
      fill();
      while (ahead.length > 0) {
        if (opts.signal?.aborted) throw new BackupError('permanent', 'the restore was cancelled', { cause: opts.signal.reason });
        const segment = await ahead.shift()!;
        fill();
        await file.write(segment, 0, segment.length, size);
        hash.update(segment);
        size += segment.length;
      }
      await file.sync();
    } finally {
      await file.close();
    }
    const sha256 = hash.digest('hex');
    if (size !== manifest.size || sha256 !== manifest.sha256) {
      throw new BackupError(
        'fatal',
        `the restored database does not match snapshot ${entry.id.slice(0, 8)} (${size} bytes, SHA-256 ${sha256.slice(0, 12)}; expected ${manifest.size} bytes, ${manifest.sha256.slice(0, 12)}); run 'restic check --read-data' on the repository`,
      );
    }
    const check = await checkDatabaseFile(
      partial,
      { requiredTables: manifest.verification.required_tables, check: 'integrity_check', label: `the restored copy of ${manifest.source}` },
      opts.signal,
    );
    // The same rows as at backup time: a restore that passes integrity_check but lost rows is not a restore.
    for (const [table, expected] of Object.entries(manifest.verification.tables)) {
      if (check.tables[table] !== expected) {
        throw new BackupError('fatal', `the restored database has ${check.tables[table] ?? 'no'} rows in ${table}, the snapshot recorded ${expected}; run 'restic check --read-data' on the repository`);
      }
    }
    // --force never deletes: the replaced database and its -wal are renamed aside, so nothing is lost by a mistake.
    const replacedTo = await installFile(partial, target, opts.force ?? false);
    return { path: target, sha256, size, integrityCheck: 'ok', tables: check.tables, ...(replacedTo ? { replacedTo } : {}) };
  } catch (err) {
    await removeDatabaseFiles(partial);
    throw err;
  }
}
