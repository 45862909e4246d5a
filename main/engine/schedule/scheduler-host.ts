/**
 * Hosting the scheduler for a home folder (the daemon or the tray app): take
 * the one-per-home lock, build the scheduler from the config, publish its live
 * state for `jobs`, and on stop cancel what runs, wait for it and release.
 */
import { unlinkSync } from 'node:fs';
import { JobStateStore } from '../catalog/job-state-store.ts';
import type { Engine } from '../engine.ts';
import { describeError } from '../errors.ts';
import { JOB_REGISTRY } from '../jobs/job-registry.ts';
import { watchOffsiteDrives, type DriveWatchOptions } from '../offsite/drive-arrival.ts';
import { hostReplication } from '../replication/replication-host.ts';
import { childProcessExecutor } from './child-executor.ts';
import type { JobExecutor } from './job-queue.ts';
import { interfaceNetworkProbe } from './network-probe.ts';
import { Scheduler } from './scheduler.ts';
import { acquireSchedulerLock, type SchedulerHost } from './scheduler-lock.ts';
import { schedulerStatusPath, toStatus, writeSchedulerStatus } from './scheduler-status-file.ts';
import { realTimer, type NetworkProbe, type SchedulerTimer } from './scheduler-timer.ts';

export interface SchedulerHostOptions {
  host: SchedulerHost;
  /** How to start the CLI for child runs, e.g. [process.execPath, '/path/bin/quantai-backup.mjs']. */
  command?: readonly [string, ...string[]];
  /** The children's environment (the repository password variables). */
  env?: NodeJS.ProcessEnv;
  /** Replaces the child-process executor (tests, hosts that cannot spawn). */
  executor?: JobExecutor;
  timer?: SchedulerTimer;
  network?: NetworkProbe;
  tickMs?: number;
  stopGraceMs?: number;
  /** Evaluates alert rules every minute and after each job; the engine's alert evaluation unless replaced. */
  evaluateAlerts?: () => Promise<unknown>;
  /** Watches for enrolled offsite drives being connected (copy when due); false turns it off. */
  driveWatch?: DriveWatchOptions | false;
  /** Runs real-time replication as a long-lived child when config.replication.enabled; false turns it off. */
  replication?: false;
}

export interface HostedScheduler {
  readonly scheduler: Scheduler;
  /** Re-reads config.json and applies its schedule section. */
  reload(): Promise<void>;
  stop(): Promise<void>;
}

/** Live state is written at most this often while a job reports progress. */
const STATUS_WRITE_INTERVAL_MS = 1000;
const ALERT_INTERVAL_MS = 60_000;

export async function hostScheduler(engine: Engine, options: SchedulerHostOptions): Promise<HostedScheduler> {
  const config = await engine.config();
  const lock = acquireSchedulerLock(engine.paths.root, options.host, { clock: engine.clock, logger: engine.logger });
  try {
    const state = new JobStateStore(engine.catalog.database);
    const executor = options.executor ?? childProcessExecutor({
      command: options.command ?? [process.execPath, process.argv[1] ?? 'quantai-backup'],
      home: engine.paths.root,
      env: options.env ?? process.env,
      isHeavy: (job) => JOB_REGISTRY[job].heavy,
      heavyNice: config.schedule.heavyJobNice,
      logger: engine.logger,
      events: engine.events,
      ...(options.stopGraceMs !== undefined ? { stopGraceMs: options.stopGraceMs } : {}),
    });
    const publisher = statusPublisher(engine, () => toStatus(lock.info, engine.clock.now(), scheduler.states()));
    const scheduler = new Scheduler({
      schedule: config.schedule,
      clock: engine.clock,
      timer: options.timer ?? realTimer,
      executor,
      network: options.network ?? interfaceNetworkProbe,
      state,
      logger: engine.logger,
      events: engine.events,
      ...(options.tickMs !== undefined ? { tickMs: options.tickMs } : {}),
      onChange: publisher.changed,
    });
    const alerts = alertLoop(engine, options.evaluateAlerts ?? (() => engine.evaluateAlerts()));
    engine.events.on('job-finished', alerts.poke);
    engine.logger.log('info', `scheduler started (${options.host}, pid ${process.pid}, time zone ${config.schedule.timezone})`);
    scheduler.start();
    const drives = options.driveWatch === false ? null : watchOffsiteDrives({
      catalog: engine.catalog, clock: engine.clock, logger: engine.logger, events: engine.events,
      config: async () => (await engine.config()).offsite,
      runOffsite: () => scheduler.runNow('offsite'),
    }, config.offsite.watchIntervalSeconds, options.driveWatch ?? {});
    const replication = options.replication === false || !config.replication.enabled || !config.database ? null : hostReplication({
      command: options.command ?? [process.execPath, process.argv[1] ?? 'quantai-backup'],
      home: engine.paths.root, env: options.env ?? process.env, logger: engine.logger,
    });
    return {
      scheduler,
      reload: async () => {
        const next = await engine.config();
        scheduler.updateSchedule(next.schedule);
        engine.logger.log('info', 'schedule reloaded from config.json');
      },
      stop: async () => {
        engine.logger.log('info', 'scheduler stopping: no new jobs; waiting for the running one to stop');
        await drives?.stop();
        await replication?.stop();
        await scheduler.stop();
        engine.events.off('job-finished', alerts.poke);
        await alerts.close();
        await publisher.close();
        removeQuietly(schedulerStatusPath(engine.paths.root), engine);
        lock.release();
        engine.logger.log('info', 'scheduler stopped; lock released');
      },
    };
  } catch (err) {
    lock.release();
    throw err;
  }
}

/** Coalesces state changes into at most one write per interval, never two at once. */
function statusPublisher(engine: Engine, snapshot: () => ReturnType<typeof toStatus>) {
  let timer: NodeJS.Timeout | null = null;
  let writing: Promise<void> = Promise.resolve();
  let closed = false;
  const write = () => {
    timer = null;
    writing = writing
      .then(() => writeSchedulerStatus(engine.paths.root, snapshot()))
      .catch((err: unknown) => engine.logger.log('warn', `cannot write the scheduler status file: ${describeError(err)}`));
  };
  return {
    changed: () => {
      if (!closed && timer === null) timer = setTimeout(write, STATUS_WRITE_INTERVAL_MS);
    },
    close: async () => {
      closed = true;
      if (timer) clearTimeout(timer);
      await writing;
    },
  };
}

/** Alert rules every minute and after each job; one evaluation at a time; a failing one is logged, never fatal. */
function alertLoop(engine: Engine, evaluate: () => Promise<unknown>) {
  let running: Promise<void> | null = null;
  let again = false;
  const run = (): void => {
    if (running) {
      again = true;
      return;
    }
    running = evaluate()
      .then(() => undefined)
      .catch((err: unknown) => engine.logger.log('warn', `alert evaluation failed: ${describeError(err)}`))
      .finally(() => {
        running = null;
        if (again) {
          again = false;
          run();
        }
      });
  };
  const interval = setInterval(run, ALERT_INTERVAL_MS);
  return {
    poke: () => run(),
    close: async () => {
      clearInterval(interval);
      again = false;
      await running;
    },
  };
}

function removeQuietly(path: string, engine: Engine): void {
  try {
    unlinkSync(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') engine.logger.log('warn', `cannot remove ${path}: ${describeError(err)}`);
  }
}
