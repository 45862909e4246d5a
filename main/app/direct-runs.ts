/**
 * "Back up now" when no scheduler runs in this process (a daemon schedules,
 * or nothing does): the jobs run here, through the same job runner as
 * `quantai-backup run <job>`, in the background. A second request for a job
 * that is still running joins it. After each run the alert rules are
 * evaluated, as the scheduler would after a job.
 */
import { describeError, type Engine, type JobExecutor, type ScheduledJobName } from '../engine/index.ts';

export class DirectRuns {
  private readonly engine: Engine;
  private readonly runs = new Map<ScheduledJobName, { controller: AbortController; done: Promise<void> }>();
  private readonly onSettled: (job: ScheduledJobName) => void;
  /** Runs the job in a child process when given (the desktop app); else in-process. */
  private readonly executor: JobExecutor | null;

  constructor(engine: Engine, executor: JobExecutor | null, onSettled: (job: ScheduledJobName) => void) {
    this.engine = engine;
    this.executor = executor;
    this.onSettled = onSettled;
  }

  /** Starts the job unless it already runs; returns at once. */
  start(job: ScheduledJobName): 'started' | 'joined' {
    if (this.runs.has(job)) return 'joined';
    const controller = new AbortController();
    const done = this.run(job, controller.signal).finally(() => {
      this.runs.delete(job);
      this.onSettled(job);
    });
    this.runs.set(job, { controller, done });
    return 'started';
  }

  cancel(job: string): boolean {
    const run = this.runs.get(job as ScheduledJobName);
    if (!run) return false;
    run.controller.abort();
    return true;
  }

  isRunning(job: ScheduledJobName): boolean {
    return this.runs.has(job);
  }

  async whenIdle(): Promise<void> {
    while (this.runs.size > 0) await Promise.all([...this.runs.values()].map((r) => r.done));
  }

  private async run(job: ScheduledJobName, signal: AbortSignal): Promise<void> {
    // Off the caller's turn: the IPC reply goes out before any work starts.
    await new Promise<void>((resolve) => setImmediate(resolve));
    try {
      const r = this.executor
        ? await this.executor(job, signal, (p) => this.engine.events.emit('job-progress', p))
        : await this.engine.runJob(job, { signal });
      this.engine.logger.log('info', `${job} (run now) ${r.result}`, { runId: r.runId });
    } catch (err) {
      // The run is already recorded as failed in the catalog; the dashboard shows it.
      this.engine.logger.log('error', `${job} (run now) failed: ${describeError(err)}`);
    }
    try {
      await this.engine.evaluateAlerts();
    } catch (err) {
      this.engine.logger.log('warn', `alert evaluation after ${job} failed: ${describeError(err)}`);
    }
  }
}
