/**
 * Worker-thread entry (through run-worker.ts): the base image of a new
 * generation, at an exactly known WAL position.
 *
 * The write lock is held only for an instant: BEGIN IMMEDIATE on a helper
 * connection stops commits, so the WAL's last commit frame is then fixed; a
 * read transaction started on a second connection in that instant sees
 * exactly that state; the lock is released at once (ROLLBACK). The image is
 * then copied at leisure from the read connection in one backup step (never
 * the paged backup, which restarts on every commit), inside its open read
 * transaction, so the copy is the state at the recorded position.
 */
import Database from 'better-sqlite3';
import { BackupError } from '../errors.ts';
import { serveWorkerJob } from '../util/run-worker.ts';
import { sqliteErrorToBackupError } from '../sources/sqlite/sqlite-errors.ts';
import { readWalFrames } from './wal-reader.ts';
import type { WalPosition } from './wal-segment-codec.ts';

export interface GenerationJob {
  dbPath: string;
  dest: string;
  busyTimeoutMs: number;
}

export interface GenerationJobResult {
  /** The WAL position the image is at; null when there was no WAL (everything was in the database file). */
  position: WalPosition | null;
  /** How long commits were held off (the write-lock instant), in ms. */
  lockMs: number;
  copyMs: number;
}

const ALL_PAGES = 0x7fffffff;

serveWorkerJob<GenerationJob, GenerationJobResult>(async (job) => {
  const walPath = `${job.dbPath}-wal`;
  // Read the WAL to its end before taking the lock, so under the lock only the newest commits are left.
  const before = await readToEnd(walPath, null);
  const helper = open(job);
  const reader = open(job);
  try {
    let lockMs = 0;
    let position: WalPosition | null;
    try {
      helper.exec('BEGIN IMMEDIATE');
    } catch (err) {
      throw sqliteErrorToBackupError(err, job.dbPath);
    }
    // Measured from when we hold the lock: waiting for it (the busy handler) does not stop anyone.
    const lockStart = performance.now();
    try {
      position = await readToEnd(walPath, before, true);
      reader.exec('BEGIN');
      reader.prepare('SELECT count(*) FROM sqlite_master').pluck().get();
    } finally {
      helper.exec('ROLLBACK');
      lockMs = performance.now() - lockStart;
    }
    // Now verify the checksums of what was read under the lock by its headers only.
    if (position && !(await chainReaches(walPath, before, position))) {
      throw new BackupError('transient', `the WAL of ${job.dbPath} changed while a base image was taken; replication will try again`);
    }
    const copyStart = performance.now();
    await reader.backup(job.dest, { progress: () => ALL_PAGES });
    reader.exec('COMMIT');
    return { position, lockMs, copyMs: performance.now() - copyStart };
  } finally {
    reader.close();
    helper.close();
  }
});

/** The position after the last commit in the WAL, reading on from `from` while that still continues. */
async function readToEnd(walPath: string, from: WalPosition | null, headersOnly = false): Promise<WalPosition | null> {
  let position = from;
  for (;;) {
    let read = await readWalFrames(walPath, position, { headersOnly });
    if (read.kind === 'discontinuous') read = await readWalFrames(walPath, null, { headersOnly });
    if (read.kind !== 'frames') return null;
    position = read.end;
    if (!read.more) return position;
  }
}

/** True when the frames from `from` to `target`, checksums recomputed, end with the checksum `target` records. */
async function chainReaches(walPath: string, from: WalPosition | null, target: WalPosition): Promise<boolean> {
  let position = from && from.salt1 === target.salt1 && from.salt2 === target.salt2 ? from : null;
  for (;;) {
    if (position && position.walFrames >= target.walFrames) return position.walFrames === target.walFrames && position.checksum1 === target.checksum1 && position.checksum2 === target.checksum2;
    const read = await readWalFrames(walPath, position, { maxBytes: 16 * 1024 * 1024 });
    if (read.kind !== 'frames' || read.header.salt1 !== target.salt1 || read.header.salt2 !== target.salt2) return false;
    const hit = read.frames.find((f) => f.index === target.walFrames - 1);
    if (hit) return hit.checksum1 === target.checksum1 && hit.checksum2 === target.checksum2;
    if (read.end.walFrames === (position?.walFrames ?? 0)) return false;
    position = read.end;
  }
}

function open(job: GenerationJob): Database.Database {
  try {
    return new Database(job.dbPath, { fileMustExist: true, timeout: job.busyTimeoutMs });
  } catch (err) {
    throw sqliteErrorToBackupError(err, job.dbPath);
  }
}
