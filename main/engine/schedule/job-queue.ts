/**
 * The job queue: no job runs twice at once (a trigger for a queued or running
 * job coalesces into it), lanes run independently (a heavy job in the standard
 * lane never delays a snapshot in the critical lane), each lane runs one job at
 * a time, and every run can be cancelled through its AbortSignal.
 */
import type { Clock } from '../clock.ts';
import type { ScheduledJobName } from '../config/schedule-schema.ts';
import type { JobProgress } from '../engine-events.ts';
import { describeError } from '../errors.ts';
import type { Lane } from '../jobs/job-registry.ts';
import type { Logger } from '../logger.ts';

export interface ExecutorOutcome {
  result: 'success' | 'warning' | 'skipped' | 'failed' | 'cancelled';
  runId?: number;
  message?: string;
}

/** Runs one job to its end; the real one is a `quantai-backup run <job>` child process. */
export type JobExecutor = (job: ScheduledJobName, signal: AbortSignal, onProgress: (progress: JobProgress) => void) => Promise<ExecutorOutcome>;

export type TriggerKind = 'scheduled' | 'catch-up' | 'manual';

/** Why a queued job is not running yet. */
export interface JobWait {
  for: 'blackout' | 'network' | 'pause';
  /** When the wait ends, if known. */
  until: Date | null;
  /** One line for `jobs`: "waiting until 16:00 (blackout: market hours)". */
  message: string;
}

export interface QueueEntry {
  job: ScheduledJobName;
  trigger: TriggerKind;
  /** The scheduled time this run stands for, when it came from the schedule. */
  slot: Date | null;
  queuedAt: Date;
  state: 'queued' | 'starting' | 'running';
  wait: JobWait | null;
  startedAt: Date | null;
  progress: JobProgress | null;
  controller: AbortController | null;
}

export interface JobQueueOptions {
  clock: Clock;
  logger: Logger;
  executor: JobExecutor;
  laneOf: (job: ScheduledJobName) => Lane;
  /** A reason not to start the job now (pause, blackout, network backoff), checked each time the queue moves. */
  holdFor: (job: ScheduledJobName, now: Date) => JobWait | null;
  /** Checked just before a start (the network probe); a wait puts the job back in the queue. */
  preflight: (job: ScheduledJobName, now: Date) => Promise<JobWait | null>;
  onStart?: (entry: QueueEntry) => void;
  onFinish?: (entry: QueueEntry, outcome: ExecutorOutcome) => void;
  onProgress?: (entry: QueueEntry, progress: JobProgress) => void;
  onChange?: () => void;
}

const LANES: readonly Lane[] = ['critical', 'standard'];

export class JobQueue {
  private readonly options: JobQueueOptions;
  private readonly entries: QueueEntry[] = [];
  private readonly finished = new Set<Promise<void>>();
  private closed = false;

  constructor(options: JobQueueOptions) {
    this.options = options;
  }

  /** Adds a run of `job`, or coalesces into the one already queued or running. */
  trigger(job: ScheduledJobName, trigger: TriggerKind, slot: Date | null): 'queued' | 'coalesced' | 'closed' {
    if (this.closed) return 'closed';
    const existing = this.entries.find((e) => e.job === job);
    if (existing) {
      this.options.logger.log('debug', `${job}: ${trigger} trigger coalesced into the ${existing.state} run`);
      return 'coalesced';
    }
    this.entries.push({
      job, trigger, slot, queuedAt: this.options.clock.now(), state: 'queued', wait: null,
      startedAt: null, progress: null, controller: null,
    });
    this.pump();
    return 'queued';
  }

  /** Starts whatever may start now; call again when time passed or state changed. */
  pump(): void {
    if (this.closed) return;
    const now = this.options.clock.now();
    for (const lane of LANES) {
      const inLane = this.entries.filter((e) => this.options.laneOf(e.job) === lane);
      if (inLane.some((e) => e.state !== 'queued')) continue;
      for (const entry of inLane) {
        entry.wait = this.options.holdFor(entry.job, now);
        if (entry.wait) continue;
        void this.start(entry);
        break;
      }
    }
    this.options.onChange?.();
  }

  list(): readonly QueueEntry[] {
    return this.entries;
  }

  entry(job: ScheduledJobName): QueueEntry | undefined {
    return this.entries.find((e) => e.job === job);
  }

  /** Earliest time a waiting entry may become startable. */
  nextWakeAt(): Date | null {
    let best: Date | null = null;
    for (const e of this.entries) {
      if (e.state === 'queued' && e.wait?.until && (!best || e.wait.until < best)) best = e.wait.until;
    }
    return best;
  }

  /** Cancels a queued run (removed) or a running one (its signal aborts). */
  cancel(job: ScheduledJobName): boolean {
    const entry = this.entry(job);
    if (!entry) return false;
    if (entry.state === 'queued') {
      this.entries.splice(this.entries.indexOf(entry), 1);
      this.options.onChange?.();
    } else {
      entry.controller?.abort(new Error(`${job} cancelled`));
    }
    return true;
  }

  /** Stops taking work, drops queued runs, aborts running ones and waits for them to end. */
  async close(): Promise<void> {
    this.closed = true;
    for (const e of [...this.entries]) {
      if (e.state === 'queued') this.entries.splice(this.entries.indexOf(e), 1);
      else e.controller?.abort(new Error('the scheduler is stopping'));
    }
    this.options.onChange?.();
    await this.whenIdle();
  }

  /** Resolves when nothing is starting or running. */
  async whenIdle(): Promise<void> {
    while (this.finished.size > 0) await Promise.all([...this.finished]);
  }

  private async start(entry: QueueEntry): Promise<void> {
    entry.state = 'starting';
    let done!: () => void;
    const finished = new Promise<void>((resolve) => (done = resolve));
    this.finished.add(finished);
    try {
      const wait = await this.options.preflight(entry.job, this.options.clock.now()).catch((err: unknown): JobWait => ({
        for: 'network', until: null, message: `waiting: the readiness check failed (${describeError(err)})`,
      }));
      if (wait || this.closed) {
        entry.state = 'queued';
        entry.wait = wait;
        if (this.closed) this.remove(entry);
        return;
      }
      await this.execute(entry);
    } finally {
      this.finished.delete(finished);
      done();
      this.pump();
    }
  }

  private async execute(entry: QueueEntry): Promise<void> {
    entry.controller = new AbortController();
    entry.state = 'running';
    entry.wait = null;
    entry.startedAt = this.options.clock.now();
    this.options.onStart?.(entry);
    this.options.onChange?.();
    let outcome: ExecutorOutcome;
    try {
      outcome = await this.options.executor(entry.job, entry.controller.signal, (p) => {
        entry.progress = p;
        this.options.onProgress?.(entry, p);
        this.options.onChange?.();
      });
    } catch (err) {
      outcome = { result: entry.controller.signal.aborted ? 'cancelled' : 'failed', message: describeError(err) };
    }
    this.remove(entry);
    this.options.onFinish?.(entry, outcome);
  }

  private remove(entry: QueueEntry): void {
    const i = this.entries.indexOf(entry);
    if (i >= 0) this.entries.splice(i, 1);
  }
}
