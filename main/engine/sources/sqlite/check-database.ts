/**
 * verifyDatabaseFile() on a worker thread: an integrity_check reads every page
 * of the file and would otherwise freeze the calling thread for seconds.
 */
import { runWorker } from '../../util/run-worker.ts';
import type { DatabaseVerification, VerifyOptions } from './verify-database.ts';
import type { VerifyJob } from './verify-worker.ts';

const VERIFY_WORKER = new URL('./verify-worker.ts', import.meta.url);

export function checkDatabaseFile(path: string, opts: VerifyOptions, signal?: AbortSignal): Promise<DatabaseVerification> {
  const job: VerifyJob = { path, requiredTables: [...opts.requiredTables], check: opts.check, label: opts.label };
  return runWorker<DatabaseVerification>(VERIFY_WORKER, job, { signal });
}
