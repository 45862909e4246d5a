/**
 * The app API: one async method per contract method, each returning an
 * IpcResult and never throwing, plus events. Pure Node (no electron): the
 * Electron IPC handlers and the UI tests' Playwright binding both call exactly
 * this, so the tests drive the same code the app runs.
 */
import {
  INVOKE_CHANNELS, type ApiEventName, type ApiEvents, type ApiMethodName, type IpcResult, type JobProgressView, type QuantaiApi,
  type RestoreRequest,
} from '../../preload/ipc-contract.ts';
import { DrillStore } from '../engine/catalog/drill-store.ts';
import {
  BackupError, describeError, isScheduledJobName, type Engine, type JobExecutor, type HostedScheduler, type ReplicationEvent, type RestoreOutcome, type ScheduledJobName,
} from '../engine/index.ts';
import { previewCron } from './cron-preview.ts';
import { buildDashboardState, isConfigured } from './dashboard-state.ts';
import { DirectRuns } from './direct-runs.ts';
import { fieldErrorsFromIssues } from './field-errors.ts';
import { InvalidRequestError, settle } from './ipc-errors.ts';
import { LiveJobs } from './live-jobs.ts';
import { REQUEST_SCHEMAS } from './request-schemas.ts';
import type { SecretStore } from './secret-store.ts';
import { SettingsService } from './settings-service.ts';
import { throttle } from './throttle.ts';
import { complianceView, drillRecordView, drillResultView, runView, snapshotView } from './views.ts';
import { runWizard } from './wizard-service.ts';

export interface AppApiDeps {
  /** Built with secrets: secretSourceFromStore(secrets), so jobs read the password from the keychain. */
  engine: Engine;
  secrets: SecretStore;
  /** The scheduler this process hosts, when it hosts one (the tray app unless a daemon holds the lock). */
  scheduler?: () => HostedScheduler | null;
  /** Opens the log folder (the shell: shell.openPath); without it openLogs answers { opened: false }. */
  openLogs?: () => Promise<boolean>;
  /** Called after the wizard or Settings changed config.json (the shell starts its scheduler after the wizard). */
  onConfigChanged?: (why: 'wizard' | 'settings') => Promise<void>;
  /**
   * Runs a job to its end outside this thread. The Electron shell passes the
   * scheduler's child-process executor (`quantai-backup run <job>` under
   * ELECTRON_RUN_AS_NODE), so "Back up now" and "Run restore test" never do
   * long work on the main thread; without it (tests, headless hosts) jobs run
   * in-process through engine.runJob.
   */
  executor?: JobExecutor;
  /** Least time between two stateChanged events. */
  stateIntervalMs?: number;
  /** Least time between two jobProgress events of one job in the same phase. */
  progressIntervalMs?: number;
}

export type AppEvent = { [E in ApiEventName]: { name: E; payload: ApiEvents[E] } }[ApiEventName];

export type AppMethods = Omit<QuantaiApi, 'on'>;

export interface AppApi extends AppMethods {
  /** Calls a method by name or IPC channel with an unchecked request (IPC handlers, the Playwright binding). */
  invoke(methodOrChannel: string, request: unknown): Promise<IpcResult<unknown>>;
  subscribe(listener: (event: AppEvent) => void): () => void;
  /** Sends an event to every subscriber (the shell's notification click: navigate). */
  publish(event: AppEvent): void;
  /** Stops events and waits for the runs this API started in this process. */
  close(): Promise<void>;
}

const DEFAULT_STATE_INTERVAL_MS = 300;
const REPLICATION_POKE_MS = 5000;
const DEFAULT_PROGRESS_INTERVAL_MS = 100;
const CHANNEL_TO_METHOD = new Map<string, ApiMethodName>(
  Object.entries(INVOKE_CHANNELS).map(([method, channel]) => [channel, method as ApiMethodName]),
);

export function createAppApi(deps: AppApiDeps): AppApi {
  const { engine, secrets } = deps;
  const settings = new SettingsService(engine, secrets);
  const listeners = new Set<(event: AppEvent) => void>();
  const hosted = (): HostedScheduler | null => deps.scheduler?.() ?? null;

  const publish = (event: AppEvent): void => {
    for (const listener of [...listeners]) {
      try {
        listener(event);
      } catch (err) {
        engine.logger.log('warn', `an app event listener failed on ${event.name}: ${describeError(err)}`);
      }
    }
  };
  const state = () => buildDashboardState({ engine, hosted: hosted(), running: live.list() });
  const stateChanged = throttle(async () => {
    if (listeners.size === 0) return;
    try {
      publish({ name: 'stateChanged', payload: await state() });
    } catch (err) {
      engine.logger.log('warn', `cannot build the dashboard state: ${describeError(err)}`);
    }
  }, deps.stateIntervalMs ?? DEFAULT_STATE_INTERVAL_MS);

  const lastProgress = new Map<string, { at: number; phase: string }>();
  const onProgress = (p: JobProgressView): void => {
    const last = lastProgress.get(p.job);
    const now = Date.now();
    if (last && last.phase === p.phase && now - last.at < (deps.progressIntervalMs ?? DEFAULT_PROGRESS_INTERVAL_MS)) return;
    lastProgress.set(p.job, { at: now, phase: p.phase });
    publish({ name: 'jobProgress', payload: p });
  };
  const live = new LiveJobs(engine.events, stateChanged.poke, onProgress);
  const direct = new DirectRuns(engine, deps.executor ?? null, (job) => {
    live.forget(job);
    stateChanged.poke();
  });
  const onAlert = (): void => stateChanged.poke();
  engine.events.on('alert', onAlert);
  // Replication (issue 9) runs for hours without job events: its card follows generation changes and
  // stops at once, and the lag of shipped segments every few seconds (not every segment: health is not free).
  let replicationPokedAt = 0;
  const onReplication = (event: ReplicationEvent): void => {
    if (event.type === 'tick' || event.type === 'checkpoint') return;
    if (event.type === 'segment-shipped' && Date.now() - replicationPokedAt < REPLICATION_POKE_MS) return;
    replicationPokedAt = Date.now();
    stateChanged.poke();
  };
  engine.events.on('replication', onReplication);

  const configChanged = async (why: 'wizard' | 'settings'): Promise<void> => {
    const h = hosted();
    if (h && why === 'settings') await h.reload();
    await deps.onConfigChanged?.(why);
    stateChanged.poke();
  };

  const methods: AppMethods = {
    getState: () => settle(state),

    backupNow: () => settle(async () => {
      const config = await engine.config();
      const jobs: ScheduledJobName[] = [];
      if (config.database) jobs.push('snapshot');
      if (config.files.sources.length > 0) jobs.push('backup');
      if (jobs.length === 0) throw new BackupError('permanent', 'nothing to back up: add the database or a folder in Settings');
      const h = hosted();
      for (const job of jobs) {
        if (h) {
          if (h.scheduler.runNow(job) === 'closed') throw new BackupError('transient', 'the scheduler is stopping: try again after the app restarts');
        } else {
          direct.start(job);
        }
      }
      stateChanged.poke();
      return { started: jobs };
    }),

    runRestoreTest: () => settle(async () => {
      if (!deps.executor) {
        const outcome = await engine.restoreTest();
        stateChanged.poke();
        return outcome.drills.map(drillResultView);
      }
      // In a child process: the drill records its evidence in the catalog, read back here.
      const before = new DrillStore(engine.catalog).recent(1)[0]?.id ?? 0;
      const outcome = await deps.executor('drill', new AbortController().signal, onProgress);
      stateChanged.poke();
      const drills = new DrillStore(engine.catalog).recent(20).filter((d) => d.id > before).reverse();
      if (drills.length === 0) {
        throw new BackupError('permanent', `the restore test did not run: ${outcome.message ?? outcome.result}`);
      }
      return drills.map(drillRecordView);
    }),

    cancelJob: ({ job }) => settle(async () => {
      const viaScheduler = isScheduledJobName(job) ? hosted()?.scheduler.cancel(job) ?? false : false;
      const cancelled = viaScheduler || direct.cancel(job);
      if (cancelled) stateChanged.poke();
      return { cancelled };
    }),

    pause: ({ until, reason }) => settle(async () => {
      await engine.pauseJobs([], until, reason);
      hosted()?.scheduler.refresh();
      stateChanged.poke();
      return state();
    }),

    resume: () => settle(async () => {
      engine.resumeJobs([]);
      hosted()?.scheduler.refresh();
      stateChanged.poke();
      return state();
    }),

    listSnapshots: () => settle(async () => (await engine.snapshots()).map(snapshotView).reverse()),

    restoreSnapshot: (request: RestoreRequest) => settle(async () => {
      const outcome = await engine.restore(request.snapshotId, {
        to: request.to, ...(request.include ? { include: request.include } : {}), ...(request.force ? { force: true } : {}),
      });
      stateChanged.poke();
      return { summary: restoreSummary(outcome) };
    }),

    listRuns: ({ limit }) => settle(async () => engine.catalog.recentRuns(limit ?? 50).map(runView)),

    listDrills: () => settle(async () => new DrillStore(engine.catalog).recent(50).map(drillRecordView)),

    getDrillReport: ({ id }) => settle(async () => {
      const drill = new DrillStore(engine.catalog).get(id);
      if (!drill || drill.html === null) throw new BackupError('not-found', `no restore drill report #${id}: it may have been removed; run a restore test`);
      return { html: drill.html };
    }),

    getSettings: () => settle(() => settings.view()),

    validateSettings: ({ config }) => settle(() => settings.validate(config)),

    saveSettings: ({ config }) => settle(async () => {
      await settings.save(config);
      await configChanged('settings');
      return settings.view();
    }),

    setSecret: ({ name, value }) => settle(async () => {
      if (name === 'repository-password' && (await isConfigured(engine))) await engine.checkRepositoryPassword(value);
      await secrets.set(name, value);
      engine.logger.log('info', `secret ${name} stored`);
      return { set: true as const };
    }),

    sendTestAlert: ({ channel }) => settle(async () => {
      await engine.testAlertChannel(channel);
      return { sent: true as const };
    }),

    previewCron: ({ expression, timezone }) => settle(() => previewCron(expression, timezone, engine.clock.now())),

    runWizard: (input) => settle(async () => {
      const result = await runWizard(engine, secrets, input);
      await configChanged('wizard');
      return result;
    }),

    openLogs: () => settle(async () => ({ opened: deps.openLogs ? await deps.openLogs() : false })),

    getCompliance: () => settle(async () => complianceView(await engine.complianceReport())),
  };

  const invoke = async (methodOrChannel: string, request: unknown): Promise<IpcResult<unknown>> => {
    const method = CHANNEL_TO_METHOD.get(methodOrChannel) ?? (methodOrChannel in REQUEST_SCHEMAS ? (methodOrChannel as ApiMethodName) : null);
    if (!method) return settle(async () => { throw new BackupError('not-found', `unknown app method "${methodOrChannel}"`); });
    const parsed = REQUEST_SCHEMAS[method].safeParse(request);
    if (!parsed.success) {
      const fields = fieldErrorsFromIssues(parsed.error.issues);
      return settle(async () => { throw new InvalidRequestError(`bad request for ${method}: ${fields.map((f) => `${f.field || '(request)'} ${f.message}`).join('; ')}`, fields); });
    }
    const call = methods[method] as (request: unknown) => Promise<IpcResult<unknown>>;
    return call(parsed.data);
  };

  // Every entry point checks its request, typed callers included: what reaches them came from the renderer.
  const checked = Object.fromEntries(
    (Object.keys(methods) as ApiMethodName[]).map((method) => [method, (request?: unknown) => invoke(method, request)]),
  ) as unknown as AppMethods;

  return {
    ...checked,
    invoke,
    subscribe: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    publish,
    close: async () => {
      listeners.clear();
      engine.events.off('alert', onAlert);
      engine.events.off('replication', onReplication);
      live.close();
      await direct.whenIdle();
      await stateChanged.close();
    },
  };
}

function restoreSummary(outcome: RestoreOutcome): string {
  if (outcome.kind === 'sqlite') {
    return `restored the database to ${outcome.path} (${outcome.size} bytes, integrity check: ${outcome.integrityCheck})`;
  }
  const warnings = outcome.warnings.length > 0 ? `, ${outcome.warnings.length} warning(s): see the run log` : '';
  return `restored ${outcome.files} files in ${outcome.dirs} folders (${outcome.bytes} bytes) to ${outcome.target}${warnings}`;
}
