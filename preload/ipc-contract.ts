/**
 * The one IPC contract between the Electron main process and the renderer:
 * channel names and payload types, plain structured-clone data only, nothing
 * else. The renderer imports it with `import type` only; the preload turns it
 * into `window.quantai` (one named method per channel, never ipcRenderer);
 * the UI tests put a Playwright binding where the IPC transport would be.
 *
 * Types here stand alone (no imports): the renderer is compiled without Node
 * types, so it cannot see the engine's.
 */

export type IpcResult<T> = { ok: true; value: T } | { ok: false; error: IpcError };

export interface FieldError {
  /** Dotted settings path, e.g. 'schedule.jobs.snapshot.cron'. */
  field: string;
  message: string;
}

export interface IpcError {
  kind: 'not-found' | 'permanent' | 'transient' | 'fatal' | 'invalid';
  message: string;
  /** For 'invalid': every field that is wrong. */
  fields?: FieldError[];
}

export type HealthState = 'healthy' | 'warning' | 'critical' | 'unknown';

export interface TierView {
  tier: 1 | 2 | 3;
  label: string;
  state: HealthState;
  lastSuccess: string | null;
  nextRun: string | null;
  ageSeconds: number | null;
  rpoSeconds: number;
}

/** Real-time replication of the trading database (issue 9): the health report's replication row. */
export interface ReplicationView {
  state: HealthState;
  /** What the replicator does: 'replicating', 'stalled', 'stopped', 'failed' or 'not-started'. */
  replicator: string;
  message: string;
  generation: string | null;
  lagP95Ms: number;
  lagMaxMs: number;
  lagSamples: number;
  lagAlertSeconds: number;
  lastCommitAt: string | null;
}

export interface DestinationView {
  name: string;
  state: HealthState;
  lastSuccess: string | null;
  verification: 'ok' | 'failed' | 'never';
  lastDrill: { ok: boolean; time: string; durationMs: number | null; rtoMs: number | null } | null;
  freeBytes: number | null;
  totalBytes: number | null;
}

export interface AlertView {
  id: number;
  key: string;
  severity: 'warning' | 'critical';
  title: string;
  message: string;
  openedAt: string;
  resolvedAt: string | null;
}

export interface JobProgressView {
  job: string;
  runId: number;
  phase: string;
  bytes: number;
  totalBytes?: number;
  files?: number;
  percent?: number;
  etaSeconds?: number;
}

export interface RunView {
  id: number;
  job: string;
  startedAt: string;
  endedAt: string | null;
  result: 'running' | 'success' | 'warning' | 'failed' | 'interrupted' | 'skipped';
  bytesAdded: number | null;
  errorMessage: string | null;
}

export interface SnapshotView {
  id: string;
  shortId: string;
  time: string;
  kind: 'sqlite' | 'files' | 'other';
  tier: number | null;
  paths: string[];
}

export interface DrillView {
  id: number;
  destination: string;
  startedAt: string;
  ok: boolean;
  withinRto: boolean;
  durationMs: number | null;
  rtoMs: number | null;
  summary: string;
}

export interface JobScheduleView {
  job: string;
  cron: string;
  enabled: boolean;
  nextRun: string | null;
  lastResult: RunView['result'] | null;
  lastRun: string | null;
  /** 'scheduled', 'paused until X because Y', 'waiting until 16:00 (blackout: market hours)', 'running', ... */
  state: string;
}

export interface DashboardState {
  configured: boolean;
  /** Who runs the schedule: this app, a `quantai-backup daemon` (named in detail), or nobody. */
  scheduler: { host: 'this-app' | 'daemon' | 'none'; detail: string };
  overall: HealthState;
  tiers: TierView[];
  destinations: DestinationView[];
  /** Null when replication is off. */
  replication: ReplicationView | null;
  alerts: AlertView[];
  running: JobProgressView[];
  paused: { until: string | null; reason: string } | null;
  jobs: JobScheduleView[];
  recentRuns: RunView[];
  updatedAt: string;
}

export type SecretName =
  | 'repository-password' | 'smtp-password' | 'slack-webhook-url' | 'twilio-auth-token'
  // The cloud tier's keys; without them the AWS credential chain (environment, profiles, SSO) applies.
  | 's3-access-key-id' | 's3-secret-access-key';

/**
 * The settings a person edits: config.json's content. Secrets are never in it;
 * `secretsSet` only says which are stored (in the OS keychain).
 */
export interface SettingsView {
  /** The config as JSON-compatible data (see docs/cli.md for its sections). */
  config: Record<string, unknown>;
  secretsSet: Record<SecretName, boolean>;
}

export interface CronPreview {
  valid: boolean;
  error?: string;
  /** The next few run times in the configured zone, ISO strings. */
  next: string[];
}

export interface WizardInput {
  repoPath: string;
  dbPath?: string;
  files?: string[];
  /** Travels renderer -> main once; never sent back. */
  password: string;
}

export interface WizardResult {
  repositoryId: string;
  created: boolean;
  /** The recovery kit the user must save: restore steps; the password is NOT in it. */
  recoveryKit: { fileName: string; text: string };
}

export interface RestoreRequest {
  snapshotId: string;
  to: string;
  include?: string[];
  force?: boolean;
}

/** The dashboard's compliance card: the `compliance` report in brief (issue 8). */
export interface ComplianceClassView {
  name: string;
  retention: string;
  status: 'compliant' | 'attention' | 'violation';
  snapshots: number;
  oldest: string | null;
  /** Days the retained snapshots reach back, and the days they must (since the first backup, at most the retention). */
  coveredDays: number;
  requiredDays: number;
  gapDays: number;
  copies: number;
  requiredCopies: number;
  problems: string[];
}

export interface ComplianceSummaryView {
  status: 'compliant' | 'attention' | 'violation';
  generatedAt: string;
  classes: ComplianceClassView[];
  /** Deletions before retention end found in the operations log, one line each. */
  earlyDeletions: string[];
  copies: { local: boolean; cloud: boolean; offsite: boolean };
  objectLock: string;
  activeHolds: number;
  log: { entries: number; pending: number };
}

/** Invoke channels: request and response types per method. */
export interface ApiMethods {
  getState: { request: void; response: DashboardState };
  backupNow: { request: void; response: { started: string[] } };
  runRestoreTest: { request: void; response: DrillView[] };
  cancelJob: { request: { job: string }; response: { cancelled: boolean } };
  pause: { request: { until: string | null; reason: string }; response: DashboardState };
  resume: { request: void; response: DashboardState };
  listSnapshots: { request: void; response: SnapshotView[] };
  restoreSnapshot: { request: RestoreRequest; response: { summary: string } };
  listRuns: { request: { limit?: number }; response: RunView[] };
  listDrills: { request: void; response: DrillView[] };
  getDrillReport: { request: { id: number }; response: { html: string } };
  getSettings: { request: void; response: SettingsView };
  validateSettings: { request: { config: Record<string, unknown> }; response: FieldError[] };
  saveSettings: { request: { config: Record<string, unknown> }; response: SettingsView };
  setSecret: { request: { name: SecretName; value: string }; response: { set: true } };
  sendTestAlert: { request: { channel: 'email' | 'slack' | 'sms' | 'desktop' }; response: { sent: true } };
  previewCron: { request: { expression: string; timezone: string }; response: CronPreview };
  runWizard: { request: WizardInput; response: WizardResult };
  openLogs: { request: void; response: { opened: boolean } };
  getCompliance: { request: void; response: ComplianceSummaryView };
}

export type ApiMethodName = keyof ApiMethods;

/** IPC channel name per method: one channel each. */
export const INVOKE_CHANNELS: { readonly [K in ApiMethodName]: `app:${string}` } = {
  getState: 'app:get-state',
  backupNow: 'app:backup-now',
  runRestoreTest: 'app:run-restore-test',
  cancelJob: 'app:cancel-job',
  pause: 'app:pause',
  resume: 'app:resume',
  listSnapshots: 'app:list-snapshots',
  restoreSnapshot: 'app:restore-snapshot',
  listRuns: 'app:list-runs',
  listDrills: 'app:list-drills',
  getDrillReport: 'app:get-drill-report',
  getSettings: 'app:get-settings',
  validateSettings: 'app:validate-settings',
  saveSettings: 'app:save-settings',
  setSecret: 'app:set-secret',
  sendTestAlert: 'app:send-test-alert',
  previewCron: 'app:preview-cron',
  runWizard: 'app:run-wizard',
  openLogs: 'app:open-logs',
  getCompliance: 'app:get-compliance',
};

/** Events main -> renderer. */
export interface ApiEvents {
  stateChanged: DashboardState;
  jobProgress: JobProgressView;
  /** A notification was clicked: show this view (and alert). */
  navigate: { view: 'dashboard' | 'settings' | 'wizard'; alertId?: number };
}

export type ApiEventName = keyof ApiEvents;

export const EVENT_CHANNELS: { readonly [K in ApiEventName]: `app:${string}` } = {
  stateChanged: 'app:state-changed',
  jobProgress: 'app:job-progress',
  navigate: 'app:navigate',
};

/** What the preload exposes as `window.quantai`: one named method per channel. */
export type QuantaiApi = {
  [K in ApiMethodName]: ApiMethods[K]['request'] extends void
    ? () => Promise<IpcResult<ApiMethods[K]['response']>>
    : (request: ApiMethods[K]['request']) => Promise<IpcResult<ApiMethods[K]['response']>>;
} & {
  on<E extends ApiEventName>(event: E, listener: (payload: ApiEvents[E]) => void): () => void;
};
