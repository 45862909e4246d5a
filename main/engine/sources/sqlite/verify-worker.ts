/** Worker-thread entry (started through check-database.ts): verifies one database file. */
import { serveWorkerJob } from '../../util/run-worker.ts';
import { verifyDatabaseFile } from './verify-database.ts';
import type { DatabaseVerification, VerifyOptions } from './verify-database.ts';

export interface VerifyJob extends VerifyOptions {
  path: string;
}

serveWorkerJob<VerifyJob, DatabaseVerification>((job) => verifyDatabaseFile(job.path, job));
