/**
 * Flushing the log as a side job: after every run and logged operation the
 * catalog's new entries go to the configured repository. A flush that cannot
 * reach the repository never fails the operation it follows: the entries wait
 * in the catalog (the report counts them) and the next flush sends them.
 */
import type { Catalog } from '../catalog/catalog.ts';
import type { Clock } from '../clock.ts';
import type { Engine } from '../engine.ts';
import type { Logger } from '../logger.ts';
import type { OplogTarget } from './oplog-batch.ts';
import { appendOperation, type OperationInput, type OplogContext, type OplogEntry } from './oplog.ts';
import { flushOplog } from './oplog-flush.ts';
import { oplogTargetFor } from './oplog-target-cache.ts';

export interface OplogSyncContext {
  catalog: Catalog;
  clock: Clock;
  logger?: Logger;
  /** Opens the configured repository when no target is given; without either, nothing is flushed. */
  engine?: Engine;
}

export async function syncOplog(ctx: OplogSyncContext, target?: OplogTarget): Promise<void> {
  try {
    const into = target ?? (ctx.engine ? await oplogTargetFor(ctx.engine) : null);
    if (!into) return;
    const flushed = await flushOplog(ctx.catalog, into, ctx.clock.now());
    if (flushed.entries > 0) ctx.logger?.log('debug', `operations log: ${flushed.entries} entries written to ${flushed.written.join(', ')}`);
  } catch (err) {
    // Info, not warn: the entry is safe in the catalog, and a failed run's CLI output stays one line.
    ctx.logger?.log('info', `operations log not flushed to the repository yet (it stays in the catalog): ${err instanceof Error ? err.message : String(err)}`);
  }
}

/**
 * For operations that are not job runs (hold add/release, a manual forget):
 * appends the entry, then flushes at once so the repository copy does not
 * wait for the next run.
 */
export async function logOperation(ctx: OplogSyncContext & OplogContext, op: OperationInput, target?: OplogTarget): Promise<OplogEntry> {
  const entry = appendOperation(ctx, op);
  await syncOplog(ctx, target);
  return entry;
}
