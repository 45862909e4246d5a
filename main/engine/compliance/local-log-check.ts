/**
 * The operations log's chain check as part of the scheduled verification:
 * the local repository's copy against the catalog's, the result recorded as
 * a catalog event that health reads ('oplog-broken' alert).
 */
import type { JobContext } from '../engine.ts';
import type { OplogTarget } from './oplog-batch.ts';
import { recordLogCheck } from './oplog-health.ts';
import { OplogStore } from './oplog-store.ts';
import { verifyOplog } from './oplog-verify.ts';

export interface LogCheckSummary {
  ok: boolean;
  entries: number;
  headSeq: number;
  /** Catalog entries waiting for the next flush (not a failure). */
  pending: number;
  problems: number;
  firstBad: string | null;
}

/**
 * Checks and records; returns undefined when the log could not be read at
 * all (an I/O error is not evidence of tampering: the data verification
 * reports a sick repository, and the next check retries).
 */
export async function checkLocalLog(ctx: JobContext, repository: OplogTarget, destination: string): Promise<LogCheckSummary | undefined> {
  const store = new OplogStore(ctx.catalog);
  try {
    const result = await verifyOplog(repository, store.entries(), store.batches(repository.id));
    recordLogCheck(ctx.catalog, ctx.clock.now(), destination, result);
    return {
      ok: result.ok, entries: result.entries, headSeq: result.headSeq, pending: result.catalog.pending,
      problems: result.findings.length, firstBad: result.firstBad?.message ?? null,
    };
  } catch (err) {
    ctx.logger.log('warn', `operations log not checked: ${err instanceof Error ? err.message : String(err)}`);
    return undefined;
  }
}
