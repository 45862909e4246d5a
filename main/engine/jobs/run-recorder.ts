/**
 * Wraps one job run: records it in the catalog (start, end, result, bytes,
 * error kind and message), and emits the engine's job events. A job that throws
 * is recorded as failed and the error is rethrown for the caller to report.
 */
import type { Catalog } from '../catalog/catalog.ts';
import type { Clock } from '../clock.ts';
import type { EngineEvents, JobName } from '../engine-events.ts';
import { isBackupError } from '../errors.ts';

export interface JobOutcome {
  result: 'success' | 'warning';
  bytesAdded?: number;
  snapshotId?: string;
  details?: unknown;
}

export async function recordRun<T extends JobOutcome>(
  deps: { catalog: Catalog; clock: Clock; events: EngineEvents },
  job: JobName,
  body: (runId: number) => Promise<T>,
): Promise<T & { runId: number }> {
  const runId = deps.catalog.startRun(job, deps.clock.now());
  deps.events.emit('job-started', { job, runId });
  try {
    const outcome = await body(runId);
    deps.catalog.finishRun(runId, { endedAt: deps.clock.now(), ...outcome });
    deps.events.emit('job-finished', { job, runId, result: outcome.result, snapshotId: outcome.snapshotId });
    return { ...outcome, runId };
  } catch (err) {
    const errorKind = isBackupError(err) ? err.kind : 'fatal';
    const errorMessage = err instanceof Error ? err.message : String(err);
    deps.catalog.finishRun(runId, { endedAt: deps.clock.now(), result: 'failed', errorKind, errorMessage });
    deps.events.emit('job-finished', { job, runId, result: 'failed', errorKind, errorMessage });
    throw err;
  }
}
