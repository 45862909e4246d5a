/**
 * The scheduler: turns the config's cron schedule into runs on the job queue.
 * Time comes only from the injected Clock and waits only through the injected
 * timer, so tests drive hours of schedule (sleep, DST) in milliseconds.
 *
 * - Each tick triggers every enabled job with a scheduled time since the last
 *   tick, once, however many times it fell due (coalesced).
 * - At start and after a detected sleep (the clock jumped far past the tick we
 *   asked for), every enabled job whose latest scheduled time is newer than its
 *   last completed run runs once, as soon as possible.
 * - Pauses, blackouts (heavy jobs only) and the network (jobs that need it,
 *   with backoff) hold queued jobs, and say why in the status.
 */
import type { JobStateStore } from '../catalog/job-state-store.ts';
import type { Clock } from '../clock.ts';
import { SCHEDULED_JOBS, type ScheduleConfig, type ScheduledJobName } from '../config/schedule-schema.ts';
import type { EngineEvents } from '../engine-events.ts';
import { JOB_REGISTRY, type JobDefinition } from '../jobs/job-registry.ts';
import type { Logger } from '../logger.ts';
import { activeBlackout } from './blackout-window.ts';
import { CronTimes } from './cron-times.ts';
import { JobQueue, type ExecutorOutcome, type JobExecutor, type JobWait, type QueueEntry, type TriggerKind } from './job-queue.ts';
import type { NetworkProbe, SchedulerTimer } from './scheduler-timer.ts';
import { formatWall } from './zone-time.ts';

export type JobTraits = Pick<JobDefinition, 'lane' | 'heavy' | 'needsNetwork'>;

export interface SchedulerOptions {
  schedule: ScheduleConfig;
  clock: Clock;
  timer: SchedulerTimer;
  executor: JobExecutor;
  network: NetworkProbe;
  state: JobStateStore;
  logger: Logger;
  /** Progress of running jobs is re-emitted here for the tray and dashboard. */
  events?: EngineEvents;
  traits?: Readonly<Record<ScheduledJobName, JobTraits>>;
  /** Longest wait between two looks at the clock. */
  tickMs?: number;
  /** A wake-up this much later than asked for is a sleep/hibernation: catch up. */
  sleepThresholdMs?: number;
  networkBackoff?: { initialMs: number; maxMs: number };
  onChange?: () => void;
}

export interface JobLiveState {
  job: ScheduledJobName;
  enabled: boolean;
  cron: string;
  nextRunAt: Date | null;
  state: 'idle' | 'queued' | 'waiting' | 'running';
  wait: JobWait | null;
  trigger: TriggerKind | null;
  startedAt: Date | null;
  progress: QueueEntry['progress'];
}

const DEFAULT_TICK_MS = 30_000;
const DEFAULT_SLEEP_THRESHOLD_MS = 120_000;
/** Wake just after a minute starts so floor-to-minute lands on it. */
const WAKE_SLACK_MS = 250;

export class Scheduler {
  private readonly options: SchedulerOptions;
  private readonly traits: Readonly<Record<ScheduledJobName, JobTraits>>;
  private readonly queue: JobQueue;
  private readonly tickMs: number;
  private schedule: ScheduleConfig;
  private crons = new Map<ScheduledJobName, CronTimes>();
  private nextDue = new Map<ScheduledJobName, Date | null>();
  private networkDelay = new Map<ScheduledJobName, { retryAt: Date; delayMs: number }>();
  private lastCheck: Date | null = null;
  private expectedWake: Date | null = null;
  private timerHandle: unknown = null;
  private running = false;

  constructor(options: SchedulerOptions) {
    this.options = options;
    this.schedule = options.schedule;
    this.traits = options.traits ?? JOB_REGISTRY;
    this.tickMs = options.tickMs ?? DEFAULT_TICK_MS;
    this.queue = new JobQueue({
      clock: options.clock,
      logger: options.logger,
      executor: options.executor,
      laneOf: (job) => this.traits[job].lane,
      holdFor: (job, now) => this.holdFor(job, now),
      preflight: (job, now) => this.networkCheck(job, now),
      onStart: (entry) => {
        const why = entry.trigger === 'catch-up' ? ' (catch-up)' : entry.trigger === 'manual' ? ' (run now)' : '';
        options.logger.log('info', `${entry.job} started${why}`, entry.slot ? { scheduledFor: entry.slot.toISOString() } : {});
        if (entry.slot) options.state.setLastScheduledAt(entry.job, entry.slot);
      },
      onFinish: (entry, outcome) => this.finished(entry, outcome),
      onProgress: (_entry, progress) => options.events?.emit('job-progress', progress),
      onChange: () => options.onChange?.(),
    });
    this.buildCrons();
  }

  /** Starts scheduling: catches up on what was missed while nothing was running. */
  start(): void {
    if (this.running) return;
    this.running = true;
    const now = this.options.clock.now();
    this.catchUp(now, 'start');
    this.lastCheck = now;
    this.queue.pump();
    this.arm(now);
  }

  /** Stops scheduling, cancels what runs (children get SIGTERM) and waits for it to end. */
  async stop(): Promise<void> {
    this.running = false;
    if (this.timerHandle !== null) this.options.timer.clear(this.timerHandle);
    this.timerHandle = null;
    await this.queue.close();
    for (const cron of this.crons.values()) cron.dispose();
    this.crons.clear();
  }

  /** Run a job now (the tray's "run now"); coalesces with a queued or running run. */
  runNow(job: ScheduledJobName): 'queued' | 'coalesced' | 'closed' {
    return this.queue.trigger(job, 'manual', null);
  }

  cancel(job: ScheduledJobName): boolean {
    return this.queue.cancel(job);
  }

  /** A changed schedule section (settings saved, SIGHUP) applies from now on. */
  updateSchedule(schedule: ScheduleConfig): void {
    for (const cron of this.crons.values()) cron.dispose();
    this.schedule = schedule;
    this.buildCrons();
    if (this.running) {
      this.queue.pump();
      this.arm(this.options.clock.now());
    }
  }

  /** Pauses and resumes are stored by other processes too (the CLI): look again now. */
  refresh(): void {
    if (!this.running) return;
    this.queue.pump();
    this.arm(this.options.clock.now());
  }

  whenIdle(): Promise<void> {
    return this.queue.whenIdle();
  }

  states(): JobLiveState[] {
    return SCHEDULED_JOBS.map((job) => {
      const entry = this.queue.entry(job);
      const js = this.schedule.jobs[job];
      const state: JobLiveState['state'] = !entry ? 'idle' : entry.state !== 'queued' ? 'running' : entry.wait ? 'waiting' : 'queued';
      return {
        job, enabled: js.enabled, cron: js.cron, nextRunAt: this.nextDue.get(job) ?? null, state,
        wait: entry?.wait ?? null, trigger: entry?.trigger ?? null, startedAt: entry?.startedAt ?? null,
        progress: entry?.progress ?? null,
      };
    });
  }

  private buildCrons(): void {
    this.crons = new Map();
    this.nextDue = new Map();
    const from = this.lastCheck ?? this.options.clock.now();
    for (const job of SCHEDULED_JOBS) {
      const js = this.schedule.jobs[job];
      if (!js.enabled) continue;
      const cron = new CronTimes(js.cron, this.schedule.timezone);
      this.crons.set(job, cron);
      this.nextDue.set(job, cron.next(from));
    }
  }

  private tick(): void {
    this.timerHandle = null;
    if (!this.running) return;
    const now = this.options.clock.now();
    const late = this.expectedWake ? now.getTime() - this.expectedWake.getTime() : 0;
    if (late > (this.options.sleepThresholdMs ?? DEFAULT_SLEEP_THRESHOLD_MS)) {
      this.options.logger.log('info', `the clock jumped ${Math.round(late / 60_000)} min past the expected tick (sleep or hibernation): catching up`);
      this.catchUp(now, 'wake');
    } else {
      this.triggerDue(now);
    }
    this.lastCheck = now;
    this.queue.pump();
    this.arm(now);
  }

  /** Jobs with a scheduled time in (last tick, now]: once each. */
  private triggerDue(now: Date): void {
    for (const [job, cron] of this.crons) {
      const due = this.nextDue.get(job);
      if (!due || due.getTime() > now.getTime()) continue;
      const slot = cron.latest(now, this.lastCheck ?? undefined) ?? due;
      this.queue.trigger(job, 'scheduled', slot);
      this.nextDue.set(job, cron.next(now));
    }
  }

  /** Every enabled job whose latest scheduled time is newer than its last completed run: once each. */
  private catchUp(now: Date, why: 'start' | 'wake'): void {
    for (const [job, cron] of this.crons) {
      const settled = this.options.state.lastSettled(job);
      const slot = cron.latest(now, settled ?? undefined);
      this.nextDue.set(job, cron.next(now));
      if (!slot) continue;
      this.options.logger.log('info', `${job} missed its run at ${slot.toISOString()}${settled ? ` (last completed ${settled.toISOString()})` : ' (never completed)'}: catching up after ${why}`);
      this.queue.trigger(job, 'catch-up', slot);
    }
  }

  private arm(now: Date): void {
    if (this.timerHandle !== null) this.options.timer.clear(this.timerHandle);
    let wake = now.getTime() + this.tickMs;
    for (const due of this.nextDue.values()) if (due) wake = Math.min(wake, due.getTime() + WAKE_SLACK_MS);
    const waitEnd = this.queue.nextWakeAt();
    if (waitEnd) wake = Math.min(wake, waitEnd.getTime() + WAKE_SLACK_MS);
    const delay = Math.max(WAKE_SLACK_MS, wake - now.getTime());
    this.expectedWake = new Date(now.getTime() + delay);
    this.timerHandle = this.options.timer.set(() => this.tick(), delay);
  }

  private holdFor(job: ScheduledJobName, now: Date): JobWait | null {
    const { pause, expired } = this.options.state.pauseAt(job, now);
    if (expired) this.options.logger.log('info', `${job}: the pause (${expired.reason}) ended at ${expired.until?.toISOString()}; scheduling again`);
    if (pause) {
      const until = pause.until ? `until ${formatWall(pause.until, this.schedule.timezone, true)}` : 'until resumed';
      return { for: 'pause', until: pause.until, message: `paused ${until} because ${pause.reason}` };
    }
    if (this.traits[job].heavy) {
      const blackout = activeBlackout(now, this.schedule.blackouts, this.schedule.timezone);
      if (blackout) return { for: 'blackout', until: blackout.endsAt, message: `waiting until ${blackout.endLabel} (blackout: ${blackout.name})` };
    }
    const backoff = this.networkDelay.get(job);
    if (backoff && backoff.retryAt.getTime() > now.getTime()) {
      return { for: 'network', until: backoff.retryAt, message: `waiting for the network (next try ${formatWall(backoff.retryAt, this.schedule.timezone)})` };
    }
    return null;
  }

  private async networkCheck(job: ScheduledJobName, now: Date): Promise<JobWait | null> {
    if (!this.traits[job].needsNetwork) return null;
    if (await this.options.network.isOnline()) {
      this.networkDelay.delete(job);
      return null;
    }
    const backoff = this.options.networkBackoff ?? { initialMs: 30_000, maxMs: 15 * 60_000 };
    const previous = this.networkDelay.get(job);
    const delayMs = previous ? Math.min(backoff.maxMs, previous.delayMs * 2) : backoff.initialMs;
    const retryAt = new Date(now.getTime() + delayMs);
    this.networkDelay.set(job, { retryAt, delayMs });
    this.options.logger.log('info', `${job} needs the network, which is down: next try in ${Math.round(delayMs / 1000)} s`);
    if (this.running) this.arm(this.options.clock.now());
    return { for: 'network', until: retryAt, message: `waiting for the network (next try ${formatWall(retryAt, this.schedule.timezone)})` };
  }

  private finished(entry: QueueEntry, outcome: ExecutorOutcome): void {
    const level = outcome.result === 'failed' ? 'error' : outcome.result === 'skipped' || outcome.result === 'cancelled' ? 'warn' : 'info';
    this.options.logger.log(level, `${entry.job} ${outcome.result}${outcome.message ? `: ${outcome.message}` : ''}`, outcome.runId ? { runId: outcome.runId } : {});
  }
}
