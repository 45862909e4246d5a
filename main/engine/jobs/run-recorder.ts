/**
 * Wraps one job run: records it in the catalog (start, end, result, bytes,
 * error kind and message), and emits the engine's job events. A job that throws
 * is recorded as failed and the error is rethrown for the caller to report.
 *
 * Every finished run, failed ones too, is also appended to the operations log
 * and the log flushed to the repository (issue 8): what was backed up,
 * restored or checked, by whom, is evidence.
 */
import type { Catalog } from '../catalog/catalog.ts';
import type { Clock } from '../clock.ts';
import { appendOperation } from '../compliance/oplog.ts';
import { syncOplog } from '../compliance/oplog-sync.ts';
import type { Engine } from '../engine.ts';
import type { EngineEvents, JobName } from '../engine-events.ts';
import { isBackupError } from '../errors.ts';
import type { Logger } from '../logger.ts';

export interface JobOutcome {
  result: 'success' | 'warning';
  bytesAdded?: number;
  snapshotId?: string;
  details?: unknown;
}

export interface RunRecorderDeps {
  catalog: Catalog;
  clock: Clock;
  events: EngineEvents;
  /** With an engine the operations log is flushed to the configured repository after the run. */
  engine?: Engine;
  logger?: Logger;
  hostname?: string;
}

export async function recordRun<T extends JobOutcome>(
  deps: RunRecorderDeps,
  job: JobName,
  body: (runId: number) => Promise<T>,
): Promise<T & { runId: number }> {
  const runId = deps.catalog.startRun(job, deps.clock.now());
  deps.events.emit('job-started', { job, runId });
  try {
    const outcome = await body(runId);
    deps.catalog.finishRun(runId, { endedAt: deps.clock.now(), ...outcome });
    logRun(deps, job, runId, { result: outcome.result, snapshotId: outcome.snapshotId, bytesAdded: outcome.bytesAdded });
    // Flushed before the finish is announced: whoever reacts to it finds the run's entry in the repository.
    await syncOplog(deps);
    deps.events.emit('job-finished', { job, runId, result: outcome.result, snapshotId: outcome.snapshotId });
    return { ...outcome, runId };
  } catch (err) {
    const errorKind = isBackupError(err) ? err.kind : 'fatal';
    const errorMessage = err instanceof Error ? err.message : String(err);
    deps.catalog.finishRun(runId, { endedAt: deps.clock.now(), result: 'failed', errorKind, errorMessage });
    logRun(deps, job, runId, { result: 'failed', errorKind, errorMessage });
    await syncOplog(deps);
    deps.events.emit('job-finished', { job, runId, result: 'failed', errorKind, errorMessage });
    throw err;
  }
}

function logRun(
  deps: RunRecorderDeps,
  job: JobName,
  runId: number,
  facts: { result: string; snapshotId?: string | undefined; bytesAdded?: number | undefined; errorKind?: string; errorMessage?: string },
): void {
  const what = facts.snapshotId ? ` (snapshot ${facts.snapshotId.slice(0, 8)})` : '';
  const why = facts.errorMessage ? `: ${facts.errorMessage}` : '';
  appendOperation(deps, { type: job, summary: `${job} run ${runId} ${facts.result}${what}${why}`, data: { runId, ...facts } });
}
