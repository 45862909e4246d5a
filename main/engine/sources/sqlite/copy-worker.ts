/**
 * Worker-thread entry (started through run-worker.ts): copies a live database
 * consistently, then verifies the copy.
 *
 * The copy is SQLite's online backup in ONE step (all pages in a single
 * sqlite3_backup_step call). That step runs inside one read transaction, so
 * it sees one committed state while a WAL-mode writer keeps committing. The
 * default paged backup (100 pages a step) restarts whenever another
 * connection commits, and under a busy trading process never finishes.
 * The step blocks its thread for the whole copy, which is why this is a worker.
 */
import Database from 'better-sqlite3';
import { setTimeout as sleep } from 'node:timers/promises';
import { serveWorkerJob } from '../../util/run-worker.ts';
import { sqliteErrorToBackupError } from './sqlite-errors.ts';
import { verifyDatabaseFile } from './verify-database.ts';
import type { DatabaseVerification } from './verify-database.ts';

export interface CopyJob {
  source: string;
  dest: string;
  requiredTables: string[];
  busyTimeoutMs: number;
}

export interface CopyJobResult {
  copyMs: number;
  verifyMs: number;
  verification: DatabaseVerification;
}

export type CopyJobProgress = { phase: 'copy' | 'verify' };

/** better-sqlite3 clamps a step to 0x7fffffff pages: more than any database has. */
const ALL_PAGES = 0x7fffffff;

serveWorkerJob<CopyJob, CopyJobResult>(async (job, progress) => {
  progress({ phase: 'copy' } satisfies CopyJobProgress);
  const started = performance.now();
  await backupOnce(job);
  const copied = performance.now();
  progress({ phase: 'verify' } satisfies CopyJobProgress);
  const verification = verifyDatabaseFile(job.dest, {
    requiredTables: job.requiredTables,
    check: 'quick_check',
    label: job.source,
  });
  return { copyMs: copied - started, verifyMs: performance.now() - copied, verification };
});

async function backupOnce(job: CopyJob): Promise<void> {
  const deadline = Date.now() + job.busyTimeoutMs;
  for (let attempt = 0; ; attempt++) {
    let src: Database.Database | undefined;
    try {
      // timeout sets busy_timeout: wait out a writer's brief exclusive locks (WAL recovery, checkpoints).
      src = new Database(job.source, { readonly: true, fileMustExist: true, timeout: job.busyTimeoutMs });
      await src.backup(job.dest, { progress: () => ALL_PAGES });
      return;
    } catch (err) {
      const mapped = sqliteErrorToBackupError(err, job.source);
      // A lock held at the moment the step starts is retried until the busy timeout has passed.
      if (mapped.kind !== 'transient' || Date.now() >= deadline) throw mapped;
      await sleep(Math.min(50 * 2 ** attempt, 1000));
    } finally {
      src?.close();
    }
  }
}
