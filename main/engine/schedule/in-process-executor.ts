/**
 * Runs jobs inside this process, through the same job runner as `run <job>`.
 * Used by tests and where no child process can be started; the daemon and
 * the tray use the child-process executor.
 */
import type { Engine } from '../engine.ts';
import { describeError } from '../errors.ts';
import { runJob } from '../jobs/job-runner.ts';
import type { JobExecutor } from './job-queue.ts';

export function inProcessExecutor(engine: Engine): JobExecutor {
  return async (job, signal, onProgress) => {
    try {
      const r = await runJob(engine, job, { signal, onProgress });
      return { result: r.result, runId: r.runId, ...(r.reason ? { message: r.reason } : {}) };
    } catch (err) {
      return { result: signal.aborted ? 'cancelled' : 'failed', message: describeError(err) };
    }
  };
}
