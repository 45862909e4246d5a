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
    // The job emits its progress on engine.events and runJob hands it to onProgress; a scheduler
    // hosted on the same engine re-emits that on engine.events, which would call us again forever.
    let forwarding = false;
    const forwardOnce = (p: Parameters<typeof onProgress>[0]): void => {
      if (forwarding) return;
      forwarding = true;
      try {
        onProgress(p);
      } finally {
        forwarding = false;
      }
    };
    try {
      const r = await runJob(engine, job, { signal, onProgress: forwardOnce });
      return { result: r.result, runId: r.runId, ...(r.reason ? { message: r.reason } : {}) };
    } catch (err) {
      return { result: signal.aborted ? 'cancelled' : 'failed', message: describeError(err) };
    }
  };
}
