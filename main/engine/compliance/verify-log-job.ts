/**
 * `compliance verify-log [--from COPY]`: the chain check of one repository
 * copy against the catalog's copy of the log.
 */
import { repositoryFrom, type FromOptions } from '../cloud/repository-from.ts';
import type { Config } from '../config/config-schema.ts';
import type { JobContext } from '../engine.ts';
import { OplogStore } from './oplog-store.ts';
import { verifyOplog, type LogVerification } from './oplog-verify.ts';

export interface VerifyLogOutcome extends LogVerification {
  /** Which copy was read ('local', 'cloud', 'offsite:LABEL'). */
  from: string;
  location: string;
}

export async function runVerifyLog(ctx: JobContext, config: Config, options: FromOptions): Promise<VerifyLogOutcome> {
  const repository = await repositoryFrom(ctx, config, options);
  const store = new OplogStore(ctx.catalog);
  const from = String(options.from ?? 'local');
  const result = await verifyOplog(repository, store.entries(), store.batches(repository.id), { mirror: from !== 'local' });
  return { ...result, from, location: repository.backend.location() };
}
