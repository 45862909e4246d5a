/**
 * The Electron main process: one instance per user; hosts the engine and,
 * unless `quantai-backup daemon` holds the scheduler lock, the scheduler;
 * wires the app API to IPC, the tray and notifications; quits cleanly (the
 * running job is stopped safely through the scheduler before the lock goes).
 *
 * Long work never runs here: scheduled jobs, "Back up now" and the tray's
 * "Run restore test" go through the scheduler's child-process executor
 * (this binary with ELECTRON_RUN_AS_NODE=1 running bin/quantai-backup.mjs).
 */
import { join } from 'node:path';
import { app, safeStorage, shell } from 'electron';
import { createAppApi, secretSourceFromStore, type AppApi, type AppEvent } from '../app/index.ts';
import {
  childProcessExecutor, createEngine, describeError, isBackupError, JOB_REGISTRY, resolveHomeDir, homeLayout, type Engine, type HostedScheduler,
} from '../engine/index.ts';
import type { DashboardState, IpcResult } from '../../preload/ipc-contract.ts';
import { childEnvironment, refreshSecrets, storeUpdatingEnv } from './child-env.ts';
import { registerApiHandlers, sendEvent } from './ipc-main.ts';
import { hasTrayHost } from './linux-tray-host.ts';
import { setUpLogging, shellLog } from './logging.ts';
import { applyLaunchAtLogin } from './login-item.ts';
import { isNotificationLevel, notificationFor, offsiteNotificationFor, testNotification, type NotificationLevel } from './notification-model.ts';
import { DesktopNotifications } from './notifications.ts';
import { createSafeStorageSecretStore } from './safe-storage-secrets.ts';
import { AppTray } from './tray.ts';
import { buildTrayModel, marketCloseFromConfig, type TrayAction } from './tray-model.ts';
import { rendererUrl } from './trusted-ipc-sender.ts';
import { AppWindow } from './windows.ts';

if (!app.requestSingleInstanceLock()) {
  // Another instance runs: it gets 'second-instance' and shows its window.
  app.quit();
} else {
  void app.whenReady().then(start).catch((err: unknown) => {
    shellLog.error('QuantAI Backup could not start', err);
    app.exit(1);
  });
}

async function start(): Promise<void> {
  const root = app.getAppPath();
  const home = resolveHomeDir(undefined);
  const logs = setUpLogging(homeLayout(home).logsDir);
  shellLog.info(`starting (pid ${process.pid}, home ${home})`);

  const childEnv = childEnvironment(process.env);
  const secrets = storeUpdatingEnv(createSafeStorageSecretStore(join(home, 'secrets.json'), safeStorage), childEnv);
  await refreshSecrets(childEnv, secrets).catch((err: unknown) => shellLog.warn(`secrets not readable yet: ${describeError(err)}`));
  const engine = createEngine({ home, secrets: secretSourceFromStore(secrets), logger: logs.engineLogger });

  const rendererFile = join(root, 'out', 'renderer', 'index.html');
  const renderer = rendererUrl(rendererFile);
  const window = new AppWindow({ rendererFile, rendererUrl: renderer, preloadFile: join(root, 'out', 'preload', 'preload.cjs'), iconFile: join(root, 'assets', 'icon.png') });

  // Every job runs as `quantai-backup run <job>` in a child process (Electron as Node): long work never
  // runs on this main thread, whether the scheduler, "Back up now" or "Run restore test" starts it.
  // The bundled CLI (scripts/build.mjs) beside this bundle: the packaged app ships no TypeScript sources.
  const jobCommand: [string, string] = [process.execPath, join(root, 'out', 'main', 'cli', 'quantai-backup.js')];
  const executor = childProcessExecutor({
    command: jobCommand,
    home,
    env: childEnv,
    isHeavy: (job) => JOB_REGISTRY[job].heavy,
    heavyNice: 10,
    logger: logs.engineLogger,
    events: engine.events,
  });

  let hosted: HostedScheduler | null = null;
  const startScheduler = async (): Promise<void> => {
    if (hosted) return;
    try {
      hosted = await engine.startScheduler({ host: 'tray', command: jobCommand, env: childEnv });
    } catch (err) {
      // A daemon (or nothing configured yet): show state from the catalog; the daemon keeps scheduling.
      shellLog.info(`not hosting the scheduler: ${describeError(err)}`);
    }
  };

  let level: NotificationLevel = 'all';
  let marketClose = '16:00';
  const readSettings = async (): Promise<void> => {
    try {
      const config = await engine.config();
      level = config.alerts.desktop;
      marketClose = marketCloseFromConfig(config as unknown as Record<string, unknown>);
      applyLaunchAtLogin(config.desktop.launchAtLogin);
    } catch (err) {
      if (!isBackupError(err) || err.kind !== 'not-found') shellLog.warn(`cannot read config.json: ${describeError(err)}`);
    }
  };
  await readSettings();
  await startScheduler();

  const api = createAppApi({
    engine,
    secrets,
    executor,
    scheduler: () => hosted,
    openLogs: async () => (await shell.openPath(logs.dir)) === '',
    onConfigChanged: async (why) => {
      await readSettings();
      if (why === 'wizard') await startScheduler();
    },
  });
  registerApiHandlers(api, renderer);

  const notifications = new DesktopNotifications((alertId) =>
    window.open({ view: 'dashboard', ...(alertId !== undefined ? { alertId } : {}) }));
  engine.events.on('alert', (event) => {
    const n = notificationFor(event, isNotificationLevel(level) ? level : 'all');
    if (n) notifications.show(n);
  });
  engine.events.on('alert-test', (test) => notifications.show(testNotification(test)));
  // Drive arrival and its copy (emitted when this app hosts the scheduler; a daemon host logs them instead).
  engine.events.on('offsite-drive', (notice) => {
    const n = offsiteNotificationFor(notice, isNotificationLevel(level) ? level : 'all');
    if (n) notifications.show(n);
  });

  const tray = (await hasTrayHost()) ? new AppTray(join(root, 'assets'), (action) => void onTrayAction(action)) : null;
  let last: DashboardState | null = null;
  const applyTray = () => tray?.apply(buildTrayModel({ state: last, now: new Date(), marketClose }));
  api.subscribe((event: AppEvent) => forward(event));
  function forward(event: AppEvent): void {
    if (event.name === 'stateChanged') last = event.payload;
    if (event.name === 'jobProgress' && last) {
      const p = event.payload;
      last = { ...last, running: [...last.running.filter((r) => r.job !== p.job), p] };
    }
    applyTray();
    const target = window.webContents;
    // The union's name and payload travel together; sendEvent checks the window still shows our renderer.
    if (target) sendEvent(target, renderer, event.name, event.payload as never);
  }

  async function onTrayAction(action: TrayAction): Promise<void> {
    const report = (what: string, result: IpcResult<unknown>) => {
      if (!result.ok) notifications.show({ title: `${what} failed`, body: result.error.message, urgency: 'normal' });
    };
    switch (action.type) {
      case 'backup-now': return report('Back up now', await api.backupNow());
      case 'restore-test':
        // Through the scheduler's child process when we host it; the app API's drill runs in this process.
        if (hosted && hosted.scheduler.runNow('drill') !== 'closed') return;
        return report('Restore test', await api.runRestoreTest());
      case 'pause': return report('Pause', await api.pause({ until: action.until, reason: action.reason }));
      case 'resume': return report('Resume', await api.resume());
      case 'open-dashboard': return window.open({ view: 'dashboard' });
      case 'open-settings': return window.open({ view: 'settings' });
      case 'open-logs': return void (await shell.openPath(logs.dir));
      case 'quit': return app.quit();
    }
  }

  const initial = await api.getState();
  if (initial.ok) last = initial.value;
  applyTray();
  // Without a tray there is no other way in: show the dashboard (or the wizard on first run).
  if (!tray || !last?.configured) window.open({ view: last?.configured ? 'dashboard' : 'wizard' });

  app.on('second-instance', () => window.open({ view: 'dashboard' }));
  // A tray app keeps running with no window open.
  app.on('window-all-closed', () => undefined);
  installCleanQuit(engine, api, () => hosted, () => {
    notifications.clear();
    tray?.destroy();
  });
}

/** Quit waits for the scheduler to stop the running job safely (SIGTERM, the child aborts cleanly) and release its lock. */
function installCleanQuit(engine: Engine, api: AppApi, hosted: () => HostedScheduler | null, teardown: () => void): void {
  let stopping = false;
  app.on('before-quit', (event) => {
    if (stopping) return;
    stopping = true;
    event.preventDefault();
    shellLog.info('quitting: stopping the scheduler and any running job');
    void (async () => {
      try {
        await hosted()?.stop();
        await api.close();
        engine.close();
      } catch (err) {
        shellLog.error('clean shutdown failed', err);
      } finally {
        teardown();
        app.exit(0);
      }
    })();
  });
}
