/**
 * `quantai-backup jobs`: per job its schedule, last run, last success, next
 * run and state in words ("paused until X because Y", "waiting until 16:00
 * (blackout: market hours)", "running: copy 40% (ETA 12 s)"), from the config,
 * the catalog and the live status of the scheduling host, if one runs.
 */
import type { Catalog } from '../catalog/catalog.ts';
import { JobStateStore } from '../catalog/job-state-store.ts';
import type { Clock } from '../clock.ts';
import { SCHEDULED_JOBS, type ScheduleConfig, type ScheduledJobName } from '../config/schedule-schema.ts';
import type { JobProgress } from '../engine-events.ts';
import { JOB_REGISTRY, type Lane } from '../jobs/job-registry.ts';
import { CronTimes } from './cron-times.ts';
import { describeLockHolder, lockHolderAlive, readSchedulerLock, type SchedulerLockInfo } from './scheduler-lock.ts';
import { readSchedulerStatus, type LiveJobRecord } from './scheduler-status-file.ts';
import { formatWall } from './zone-time.ts';

export type JobStateName = 'scheduled' | 'disabled' | 'paused' | 'queued' | 'waiting' | 'running' | 'unavailable';

export interface JobReport {
  job: ScheduledJobName;
  description: string;
  cron: string;
  enabled: boolean;
  lane: Lane;
  heavy: boolean;
  needsNetwork: boolean;
  lastRun: { runId: number; result: string; startedAt: string; endedAt: string | null; errorMessage: string | null } | null;
  lastSuccessAt: string | null;
  nextRunAt: string | null;
  state: JobStateName;
  /** The state in words, for people. */
  stateText: string;
  pause: { until: string | null; reason: string } | null;
  progress: JobProgress | null;
}

export interface JobsReport {
  timezone: string;
  scheduler: { running: boolean; holder: SchedulerLockInfo | null; text: string };
  jobs: JobReport[];
}

export interface JobsReportInput {
  home: string;
  schedule: ScheduleConfig;
  catalog: Catalog;
  clock: Clock;
}

export function buildJobsReport(input: JobsReportInput): JobsReport {
  const now = input.clock.now();
  const tz = input.schedule.timezone;
  const store = new JobStateStore(input.catalog.database);
  const holder = readSchedulerLock(input.home);
  const alive = holder !== null && lockHolderAlive(holder);
  const status = alive ? readSchedulerStatus(input.home) : null;
  const live = status && status.holder.pid === holder?.pid ? status.jobs : {};
  const jobs = SCHEDULED_JOBS.map((job): JobReport => {
    const def = JOB_REGISTRY[job];
    const js = input.schedule.jobs[job];
    const last = input.catalog.lastRun(job);
    const { pause, expired } = store.pauseAt(job, now);
    if (expired) {
      input.catalog.addEvent({ time: now.toISOString(), level: 'info', type: 'pause-expired', message: `${job}: pause "${expired.reason}" ended`, data: { job } });
    }
    let nextRunAt: string | null = null;
    if (js.enabled) {
      const cron = new CronTimes(js.cron, tz);
      nextRunAt = cron.next(now)?.toISOString() ?? null;
      cron.dispose();
    }
    const running = store.runningRuns(job)[0];
    const { state, stateText } = describeState({
      enabled: js.enabled, unavailable: def.unavailable, pause, live: live[job], running, tz,
    });
    return {
      job, description: def.description, cron: js.cron, enabled: js.enabled, lane: def.lane, heavy: def.heavy,
      needsNetwork: def.needsNetwork,
      lastRun: last ? { runId: last.id, result: last.result, startedAt: last.startedAt, endedAt: last.endedAt, errorMessage: last.errorMessage } : null,
      lastSuccessAt: store.lastSuccess(job)?.toISOString() ?? null,
      nextRunAt, state, stateText,
      pause: pause ? { until: pause.until?.toISOString() ?? null, reason: pause.reason } : null,
      progress: live[job]?.progress ?? null,
    };
  });
  const text = alive && holder
    ? `scheduling: ${describeLockHolder(holder)}`
    : 'NOT SCHEDULING: no scheduler is running for this home folder; start the tray app or `quantai-backup daemon`';
  return { timezone: tz, scheduler: { running: alive, holder: alive ? holder : null, text }, jobs };
}

interface StateInput {
  enabled: boolean;
  unavailable: string | undefined;
  pause: { until: Date | null; reason: string } | null;
  live: LiveJobRecord | undefined;
  running: { id: number; startedAt: string; pid: number } | undefined;
  tz: string;
}

function describeState(s: StateInput): { state: JobStateName; stateText: string } {
  if (s.live?.state === 'running') return { state: 'running', stateText: runningText(s.live.progress, s.live.startedAt, s.tz) };
  if (s.running) return { state: 'running', stateText: `running since ${formatWall(new Date(s.running.startedAt), s.tz, true)} (pid ${s.running.pid})` };
  if (s.pause) {
    const until = s.pause.until ? `until ${formatWall(s.pause.until, s.tz, true)}` : 'until resumed';
    return { state: 'paused', stateText: `paused ${until} because ${s.pause.reason}` };
  }
  if (!s.enabled) return { state: 'disabled', stateText: 'disabled in config.json' };
  if (s.live?.state === 'waiting' && s.live.wait) return { state: 'waiting', stateText: s.live.wait.message };
  if (s.live?.state === 'queued') return { state: 'queued', stateText: 'queued: starts when the job before it ends' };
  if (s.unavailable) return { state: 'unavailable', stateText: `unavailable (${s.unavailable})` };
  return { state: 'scheduled', stateText: 'scheduled' };
}

function runningText(progress: JobProgress | null, startedAt: string | null, tz: string): string {
  const since = startedAt ? ` since ${formatWall(new Date(startedAt), tz)}` : '';
  if (!progress) return `running${since}`;
  const pct = progress.percent !== undefined ? ` ${progress.percent}%` : '';
  const eta = progress.etaSeconds !== undefined ? ` (ETA ${progress.etaSeconds} s)` : '';
  return `running${since}: ${progress.phase}${pct}${eta}`;
}
