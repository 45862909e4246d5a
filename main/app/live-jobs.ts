/**
 * What runs right now, from the engine's job events: in-process runs emit
 * them directly, the scheduler's child processes through the child executor.
 * The dashboard's progress bars read this; every change pokes `onChange`.
 */
import type { JobProgressView } from '../../preload/ipc-contract.ts';
import type { EngineEvents, JobFinished, JobProgress } from '../engine/index.ts';
import { progressView } from './views.ts';

export class LiveJobs {
  private readonly running = new Map<string, JobProgressView>();
  private readonly events: EngineEvents;
  private readonly onStarted = (e: { job: string; runId: number }) => {
    this.running.set(e.job, { job: e.job, runId: e.runId, phase: 'starting', bytes: 0 });
    this.onChange();
  };
  private readonly onProgress = (p: JobProgress) => {
    const view = progressView(p);
    this.running.set(p.job, view);
    this.onProgressView(view);
    this.onChange();
  };
  private readonly onFinished = (e: JobFinished) => {
    const current = this.running.get(e.job);
    if (!current || current.runId === e.runId || e.runId === 0) this.running.delete(e.job);
    this.onChange();
  };
  private readonly onChange: () => void;
  private readonly onProgressView: (p: JobProgressView) => void;

  constructor(events: EngineEvents, onChange: () => void, onProgress: (p: JobProgressView) => void) {
    this.events = events;
    this.onChange = onChange;
    this.onProgressView = onProgress;
    events.on('job-started', this.onStarted);
    events.on('job-progress', this.onProgress);
    events.on('job-finished', this.onFinished);
  }

  list(): JobProgressView[] {
    return [...this.running.values()].map((p) => ({ ...p }));
  }

  /** A run that ended without a job-finished event (it threw before recording): forget it. */
  forget(job: string): void {
    if (this.running.delete(job)) this.onChange();
  }

  close(): void {
    this.events.off('job-started', this.onStarted);
    this.events.off('job-progress', this.onProgress);
    this.events.off('job-finished', this.onFinished);
  }
}
