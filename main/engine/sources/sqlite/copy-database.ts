/**
 * Makes a verified, consistent copy of a (possibly live) SQLite database in a
 * temp folder, off the calling thread. The caller stores the copy and then
 * calls remove(); on any failure the copy is removed here.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, rm } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { DEFAULT_REQUIRED_TABLES } from '../../config/config-schema.ts';
import { tempOwnerTag } from '../../home/tmp-sweep.ts';
import { runWorker } from '../../util/run-worker.ts';
import { readSqliteHeader } from './sqlite-header.ts';
import type { CopyJob, CopyJobProgress, CopyJobResult } from './copy-worker.ts';
import type { DatabaseVerification } from './verify-database.ts';

const COPY_WORKER = new URL('./copy-worker.ts', import.meta.url);

export interface CopyDatabaseOptions {
  dbPath: string;
  /** Folder for the temporary copy (the home folder's tmp/); created if missing. */
  tmpDir: string;
  requiredTables?: readonly string[];
  /** How long to wait for a writer's lock before giving up (default 5000 ms). */
  busyTimeoutMs?: number;
  signal?: AbortSignal;
  onPhase?: (phase: CopyJobProgress['phase']) => void;
}

export interface DatabaseCopy {
  /** Absolute path of the source database. */
  source: string;
  /** The temporary copy. */
  path: string;
  requiredTables: string[];
  verification: DatabaseVerification;
  copyMs: number;
  verifyMs: number;
  /** Deletes the copy (idempotent). */
  remove(): Promise<void>;
}

export async function copyDatabase(opts: CopyDatabaseOptions): Promise<DatabaseCopy> {
  const source = resolve(opts.dbPath);
  const requiredTables = [...(opts.requiredTables ?? DEFAULT_REQUIRED_TABLES)];
  // Checked here first so that a wrong path gets a plain message before any thread starts.
  await readSqliteHeader(source);
  await mkdir(opts.tmpDir, { recursive: true });
  // The owner tag in the name lets sweepStaleTemp remove the copy if this process is killed before remove().
  const path = join(resolve(opts.tmpDir), `${basename(source)}.${tempOwnerTag()}.${randomBytes(6).toString('hex')}.copy`);
  const remove = () => removeDatabaseFiles(path);
  const job: CopyJob = { source, dest: path, requiredTables, busyTimeoutMs: opts.busyTimeoutMs ?? 5000 };
  try {
    const result = await runWorker<CopyJobResult>(COPY_WORKER, job, {
      signal: opts.signal,
      onProgress: (p) => opts.onPhase?.((p as CopyJobProgress).phase),
    });
    return { source, path, requiredTables, ...result, remove };
  } catch (err) {
    await remove();
    throw err;
  }
}

/** Removes a database file and the journal files SQLite may have left beside it. */
export async function removeDatabaseFiles(path: string): Promise<void> {
  await Promise.all(['', '-journal', '-wal', '-shm'].map((suffix) => rm(path + suffix, { force: true })));
}
