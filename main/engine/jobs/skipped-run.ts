/**
 * A run that did nothing on purpose (the job is not built or not configured):
 * recorded as 'skipped' with its reason, never as a success.
 */
import type { ScheduledJobName } from '../config/schedule-schema.ts';
import type { Engine } from '../engine.ts';
import type { JobRunSummary } from './job-registry.ts';

export function recordSkippedRun(engine: Engine, job: ScheduledJobName, reason: string): JobRunSummary {
  const catalog = engine.catalog;
  const runId = catalog.startRun(job, engine.clock.now());
  engine.events.emit('job-started', { job, runId });
  catalog.finishRun(runId, { endedAt: engine.clock.now(), result: 'skipped', errorMessage: reason, details: { reason } });
  engine.events.emit('job-finished', { job, runId, result: 'skipped', errorMessage: reason });
  engine.logger.log('warn', `${job} skipped: ${reason}`);
  return { runId, result: 'skipped', reason };
}
