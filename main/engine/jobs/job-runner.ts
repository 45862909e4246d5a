/**
 * Runs one registered job in this process: `quantai-backup run <job>` calls
 * this, and the scheduler's child processes are exactly that command. Progress
 * from the job is passed on with a percentage and an ETA where the total is known.
 */
import type { ScheduledJobName } from '../config/schedule-schema.ts';
import type { Engine } from '../engine.ts';
import type { JobProgress } from '../engine-events.ts';
import { jobDefinition, type JobRunSummary } from './job-registry.ts';

export interface RunJobOptions {
  signal?: AbortSignal;
  onProgress?: (progress: JobProgress) => void;
}

export async function runJob(engine: Engine, name: ScheduledJobName, options: RunJobOptions = {}): Promise<JobRunSummary> {
  const definition = jobDefinition(name);
  const estimate = etaEstimator(() => engine.clock.now().getTime());
  const forward = (p: JobProgress): void => options.onProgress?.(estimate(p));
  engine.events.on('job-progress', forward);
  try {
    return await definition.run(engine, options.signal ? { signal: options.signal } : {});
  } finally {
    engine.events.off('job-progress', forward);
  }
}

/** Adds percent and ETA (from the average rate of the current phase) where the job gives a total. */
export function etaEstimator(nowMs: () => number): (p: JobProgress) => JobProgress {
  let phase = '';
  let phaseStart = 0;
  let bytesAtStart = 0;
  return (p) => {
    if (p.phase !== phase) {
      phase = p.phase;
      phaseStart = nowMs();
      bytesAtStart = p.bytes;
    }
    if (!p.totalBytes || p.totalBytes <= 0) return p;
    const percent = Math.min(100, Math.round((p.bytes / p.totalBytes) * 1000) / 10);
    const elapsed = (nowMs() - phaseStart) / 1000;
    const done = p.bytes - bytesAtStart;
    const out: JobProgress = { ...p, percent: p.percent ?? percent };
    if (p.etaSeconds === undefined && elapsed > 0 && done > 0) {
      out.etaSeconds = Math.max(0, Math.round((p.totalBytes - p.bytes) / (done / elapsed)));
    }
    return out;
  };
}
