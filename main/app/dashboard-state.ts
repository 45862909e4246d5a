/**
 * The dashboard's whole state in one plain object: health (tiers,
 * destinations, overall) from the engine's health model, alerts, runs and
 * drills from the catalog, the schedule from the jobs report, and the live
 * progress of what runs now (here, or in the daemon's status file).
 */
import type { DashboardState, JobProgressView } from '../../preload/ipc-contract.ts';
import type { Engine, HostedScheduler, JobsReport } from '../engine/index.ts';
import { readSchedulerLock, lockHolderAlive, describeLockHolder } from '../engine/schedule/scheduler-lock.ts';
import { alertView, destinationView, jobScheduleView, progressView, replicationView, runView, tierView } from './views.ts';

export interface DashboardInputs {
  engine: Engine;
  /** The scheduler this process hosts, if any. */
  hosted: HostedScheduler | null;
  /** In-process live progress (LiveJobs). */
  running: JobProgressView[];
  recentRuns?: number;
  resolvedAlerts?: number;
}

export async function buildDashboardState(input: DashboardInputs): Promise<DashboardState> {
  const { engine } = input;
  const now = engine.clock.now().toISOString();
  if (!(await isConfigured(engine))) return unconfiguredState(engine, input.hosted, now);
  const [jobs, health, alerts] = [await engine.jobs(), await engine.health(), await engine.alerts()];
  const next = (job: string) => jobs.jobs.find((j) => j.job === job)?.nextRunAt ?? null;
  const paused = jobs.jobs.find((j) => j.pause !== null)?.pause ?? null;
  return {
    configured: true,
    scheduler: schedulerView(jobs, input.hosted),
    overall: health.overall,
    tiers: health.tiers.map((t) => tierView(t, next(t.tier === 1 ? 'snapshot' : 'backup'))),
    destinations: health.destinations.map(destinationView),
    replication: replicationView(health.replication),
    alerts: [...alerts.open, ...alerts.resolved.slice(0, input.resolvedAlerts ?? 10)].map(alertView),
    running: mergeRunning(input.running, jobs),
    paused: paused ? { until: paused.until, reason: paused.reason } : null,
    jobs: jobs.jobs.map(jobScheduleView),
    recentRuns: engine.catalog.recentRuns(input.recentRuns ?? 20).map(runView),
    updatedAt: now,
  };
}

export async function isConfigured(engine: Engine): Promise<boolean> {
  try {
    await engine.config();
    return true;
  } catch (err) {
    // Only a missing config.json means "not set up"; a broken one is an error the user must see.
    if ((err as { kind?: string }).kind === 'not-found') return false;
    throw err;
  }
}

function schedulerView(jobs: JobsReport, hosted: HostedScheduler | null): DashboardState['scheduler'] {
  const holder = jobs.scheduler.holder;
  if (hosted || holder?.pid === process.pid) return { host: 'this-app', detail: `this app runs the schedule (pid ${process.pid})` };
  if (holder?.host === 'daemon') return { host: 'daemon', detail: `${describeLockHolder(holder)} runs the schedule; this app shows its state` };
  if (holder) return { host: 'none', detail: `another copy of the app runs the schedule: ${describeLockHolder(holder)}` };
  return { host: 'none', detail: jobs.scheduler.text };
}

/** Progress seen here first; jobs the daemon reports as running are added from its status file. */
function mergeRunning(local: JobProgressView[], jobs: JobsReport): JobProgressView[] {
  const out = [...local];
  for (const j of jobs.jobs) {
    if (j.state !== 'running' || out.some((p) => p.job === j.job)) continue;
    out.push(j.progress ? progressView(j.progress) : { job: j.job, runId: j.lastRun?.runId ?? 0, phase: 'running', bytes: 0 });
  }
  return out;
}

function unconfiguredState(engine: Engine, hosted: HostedScheduler | null, now: string): DashboardState {
  const holder = readSchedulerLock(engine.paths.root);
  const alive = holder !== null && lockHolderAlive(holder);
  const scheduler: DashboardState['scheduler'] = hosted
    ? { host: 'this-app', detail: `this app runs the schedule (pid ${process.pid})` }
    : alive && holder.host === 'daemon'
      ? { host: 'daemon', detail: `${describeLockHolder(holder)} runs the schedule` }
      : { host: 'none', detail: 'not set up yet: run the first-run wizard' };
  return {
    configured: false, scheduler, overall: 'unknown', tiers: [], destinations: [], replication: null, alerts: [], running: [],
    paused: null, jobs: [], recentRuns: [], updatedAt: now,
  };
}
