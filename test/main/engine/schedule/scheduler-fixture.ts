/**
 * A scheduler on fake time with a fake executor that records each run in a
 * real catalog (so catch-up reads real last successes) and can hold a run
 * open until the test releases it.
 */
import type { TestContext } from 'node:test';
import { join } from 'node:path';
import { Catalog } from '../../../../main/engine/catalog/catalog.ts';
import { JobStateStore } from '../../../../main/engine/catalog/job-state-store.ts';
import { scheduleSchema, type ScheduledJobName, type ScheduleConfig } from '../../../../main/engine/config/schedule-schema.ts';
import type { ExecutorOutcome, JobExecutor } from '../../../../main/engine/schedule/job-queue.ts';
import { Scheduler, type SchedulerOptions } from '../../../../main/engine/schedule/scheduler.ts';
import { silentLogger, type Logger } from '../../../../main/engine/logger.ts';
import { tempDir } from '../../../support/temp-dir.ts';
import { FakeTime } from './fake-time.ts';

export interface RunCall {
  job: ScheduledJobName;
  startedAt: string;
  endedAt: string | null;
  signal: AbortSignal;
}

export interface Fixture {
  time: FakeTime;
  catalog: Catalog;
  state: JobStateStore;
  scheduler: Scheduler;
  calls: RunCall[];
  logs: string[];
  /** Jobs whose runs stay open until release(job) (or fail with failWith). */
  hold: Set<ScheduledJobName>;
  release(job: ScheduledJobName, outcome?: ExecutorOutcome['result']): void;
  network: { online: boolean; checks: string[] };
  runsOf(job: ScheduledJobName): RunCall[];
}

export function makeSchedule(input: unknown): ScheduleConfig {
  return scheduleSchema.parse(input);
}

/** Every job off except the ones given, with their cron. */
export function onlyJobs(crons: Partial<Record<ScheduledJobName, string>>, extra: Record<string, unknown> = {}): ScheduleConfig {
  const jobs: Record<string, { cron?: string; enabled: boolean }> = {};
  for (const job of ['snapshot', 'backup', 'full', 'cloud', 'offsite', 'verify', 'retention', 'drill'] as const) {
    jobs[job] = crons[job] ? { cron: crons[job], enabled: true } : { enabled: false };
  }
  return makeSchedule({ jobs, ...extra });
}

export function schedulerFixture(t: TestContext, schedule: ScheduleConfig, start: string, options: Partial<SchedulerOptions> = {}): Fixture {
  const time = new FakeTime(start);
  const catalog = Catalog.open(join(tempDir(t), 'catalog.db'));
  const state = new JobStateStore(catalog.database);
  const calls: RunCall[] = [];
  const logs: string[] = [];
  const hold = new Set<ScheduledJobName>();
  const waiting = new Map<ScheduledJobName, (result: ExecutorOutcome['result']) => void>();
  const network = { online: true, checks: [] as string[] };
  const logger: Logger = { log: (level, message) => logs.push(`${level} ${message}`) };

  const executor: JobExecutor = async (job, signal) => {
    const call: RunCall = { job, startedAt: time.now().toISOString(), endedAt: null, signal };
    calls.push(call);
    const runId = catalog.startRun(job, time.now());
    let result: ExecutorOutcome['result'] = 'success';
    if (hold.has(job)) {
      result = await new Promise((resolve) => {
        waiting.set(job, resolve);
        signal.addEventListener('abort', () => resolve('cancelled'), { once: true });
      });
    }
    call.endedAt = time.now().toISOString();
    catalog.finishRun(runId, { endedAt: time.now(), result: result === 'cancelled' ? 'failed' : result });
    return { result, runId };
  };

  const scheduler = new Scheduler({
    schedule, clock: time, timer: time, executor, state,
    network: { isOnline: () => { network.checks.push(time.now().toISOString()); return network.online; } },
    logger: options.logger ?? (process.env.QB_SCHEDULER_LOG ? { log: (l, m) => { logger.log(l, m); process.stderr.write(`${time.now().toISOString()} ${l} ${m}\n`); } } : logger),
    ...options,
  });
  t.after(async () => {
    hold.clear();
    for (const resolve of waiting.values()) resolve('success');
    await scheduler.stop();
    catalog.close();
  });
  return {
    time, catalog, state, scheduler, calls, logs, hold, network,
    release(job, outcome = 'success') {
      hold.delete(job);
      const resolve = waiting.get(job);
      waiting.delete(job);
      resolve?.(outcome);
    },
    runsOf: (job) => calls.filter((c) => c.job === job),
  };
}

/** Marks jobs as having succeeded at `at`, as an earlier session would have left the catalog. */
export function succeededAt(catalog: Catalog, at: string, jobs: readonly ScheduledJobName[]): void {
  for (const job of jobs) {
    const id = catalog.startRun(job, new Date(at));
    catalog.finishRun(id, { endedAt: new Date(at), result: 'success' });
  }
}

export { silentLogger };
