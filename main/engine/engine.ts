/**
 * The engine: one object per home folder that the CLI, the daemon and the
 * Electron shell all build the same way. Side effects come in through deps.
 */
import { hostname } from 'node:os';
import { mkdir } from 'node:fs/promises';
import { Catalog } from './catalog/catalog.ts';
import { systemClock, type Clock } from './clock.ts';
import type { Config } from './config/config-schema.ts';
import { loadConfig, parseConfig } from './config/load-config.ts';
import { EngineEvents } from './engine-events.ts';
import { BackupError, isBackupError } from './errors.ts';
import { homeLayout, type HomeLayout } from './home/home-dir.ts';
import { readMountTables, type MountTables } from './home/mount-guard.ts';
import { silentLogger, type Logger } from './logger.ts';
import { openOrCreateRepository, openRepository } from './repo-access.ts';
import { openCloudRepository } from './cloud/cloud-destination.ts';
import type { FromOptions } from './cloud/repository-from.ts';
import { cloudBucketStatus, setupCloudBucket } from './cloud/bucket-admin.ts';
import type { BucketSetupReport } from './cloud/bucket-setup.ts';
import type { BucketStatusReport } from './cloud/bucket-status.ts';
import type { Repository } from './repo/repository.ts';
import type { SecretSource } from './secrets/password-source.ts';
import { writeFileAtomic } from './util/atomic-write.ts';
import { appendOperation } from './compliance/oplog.ts';
import { syncOplog } from './compliance/oplog-sync.ts';
import { rememberOplogTarget } from './compliance/oplog-target-cache.ts';
import { markAndLogInterruptedRuns } from './compliance/interrupted-runs.ts';
import { runVerifyLog, type VerifyLogOutcome } from './compliance/verify-log-job.ts';
import { runComplianceReport } from './compliance/compliance-job.ts';
import type { ComplianceReport } from './compliance/compliance-report.ts';
import { runDatabaseSnapshotJob, type DatabaseSnapshotJobResult } from './jobs/database-snapshot-job.ts';
import { runFileBackupJob, type FileBackupJobResult } from './jobs/file-backup-job.ts';
import { listSnapshotSummaries, type SnapshotSummaryItem } from './jobs/snapshot-list.ts';
import { runRestore, type RestoreOptions, type RestoreOutcome } from './jobs/restore-job.ts';
import { runRestoreAt, type RestoreAtOptions, type RestoreAtOutcome } from './replication/pitr-job.ts';
import { runCheck, type CheckOutcome } from './jobs/check-job.ts';
import { buildStatus, type StatusReport } from './jobs/status-report.ts';
import { runVerifyJob, type VerifyJobOptions, type VerifyOutcome } from './jobs/verify-job.ts';
import { runDrillJob, type DrillJobOptions, type DrillOutcome } from './jobs/drill-job.ts';
import { runCloudSyncJob, type CloudSyncOptions, type CloudSyncOutcome } from './jobs/cloud-job.ts';
import { runReplicationJob, type ReplicateOptions } from './replication/replication-job.ts';
import type { ReplicationSummary } from './replication/replicator.ts';
import { buildReplicationStatus, type ReplicationStatus } from './replication/replication-status.ts';
import { runPruneJob, type PruneJobOptions, type PruneOutcome } from './jobs/prune-job.ts';
import { buildHealthReport } from './health/health-report.ts';
import type { HealthReport } from './health/health-types.ts';
import {
  alertsOverview, runAlertsEvaluation, sendTestAlert, type AlertsEvaluation, type AlertsOverview, type ChannelTestResult,
} from './jobs/alerts-job.ts';
import type { ChannelName } from './config/alerts-schema.ts';
import type { ScheduledJobName } from './config/schedule-schema.ts';
import { runJob, type RunJobOptions } from './jobs/job-runner.ts';
import type { JobRunSummary } from './jobs/job-registry.ts';
import { buildJobsReport, type JobsReport } from './schedule/jobs-report.ts';
import { pauseJobs, resumeJobs, type PauseResult } from './schedule/job-pauses.ts';
import { parsePauseUntil } from './schedule/pause-time.ts';
import { hostScheduler, type HostedScheduler, type SchedulerHostOptions } from './schedule/scheduler-host.ts';
import { forgetByPolicy, type ForgetOptions, type ForgetReport } from './retention/forget.ts';
import { runRetentionJob, type RetentionJobOptions, type RetentionJobOutcome } from './jobs/retention-job.ts';
import { liftHold, placeHold, type HoldRequest } from './retention/hold-actions.ts';
import { activeHolds, allHolds } from './retention/hold-store.ts';
import type { Hold } from './retention/holds.ts';
import { buildOffsiteReport, type OffsiteReport } from './offsite/offsite-report.ts';
import { checkinDrive, checkoutDrive, type MovementResult } from './offsite/offsite-movements.ts';
import { ejectDrive, type EjectOutcome } from './offsite/eject.ts';
import { requireMountedDrive } from './offsite/mounted-drives.ts';
import { OffsiteStore } from './offsite/offsite-store.ts';
import type { EnrolledDrive } from './offsite/offsite-store.ts';
import { enrollDrive } from './offsite/enrolment.ts';
import { scanDrives, type MountedDrive } from './offsite/mounted-drives.ts';
import { openOffsiteRepository } from './offsite/offsite-destination.ts';
import { runOffsiteCopyJob, type OffsiteCopyOptions, type OffsiteCopyOutcome } from './jobs/offsite-job.ts';

export interface EngineDeps {
  home: string;
  secrets: SecretSource;
  clock?: Clock;
  logger?: Logger;
  mountTables?: () => MountTables;
  /** scrypt parameters for new repositories; restic's defaults unless a test overrides them. */
  kdf?: { N: number; r: number; p: number };
}

export interface InitOptions {
  repoPath: string;
  dbPath?: string;
  files?: string[];
  requiredTables?: string[];
}

export interface InitResult {
  configFile: string;
  repositoryPath: string;
  repositoryId: string;
  created: boolean;
}

export interface JobOptions {
  signal?: AbortSignal;
}

export class Engine {
  readonly events = new EngineEvents();
  readonly paths: HomeLayout;
  readonly clock: Clock;
  readonly logger: Logger;
  private readonly deps: EngineDeps;
  private catalogHandle: Catalog | null = null;

  constructor(deps: EngineDeps) {
    this.deps = deps;
    this.paths = homeLayout(deps.home);
    this.clock = deps.clock ?? systemClock;
    this.logger = deps.logger ?? silentLogger;
  }

  get catalog(): Catalog {
    if (!this.catalogHandle) {
      this.catalogHandle = Catalog.open(this.paths.catalogFile);
      // Marks runs of killed processes interrupted and logs each in the operations log (issue 8).
      markAndLogInterruptedRuns(this.catalogHandle, this.clock.now(), isProcessAlive, hostname());
    }
    return this.catalogHandle;
  }

  config(): Promise<Config> {
    return loadConfig(this.paths.configFile);
  }

  private repoAccess() {
    return { mountTables: this.deps.mountTables ?? readMountTables, kdf: this.deps.kdf };
  }

  async openRepository(config?: Config): Promise<Repository> {
    const cfg = config ?? (await this.config());
    const password = await this.deps.secrets.repositoryPassword();
    const repository = await openRepository(cfg.repository.path, password, this.repoAccess());
    // The operations log's flush after the run reuses this key instead of a second scrypt.
    rememberOplogTarget(this, cfg.repository.path, repository);
    return repository;
  }

  /** The cloud copy read in place; refuses (one line: when it will be ready) while packs it may read are frozen in Glacier. */
  async openCloudRepository(config: Config, options: { requestThaw?: boolean } = {}): Promise<Repository> {
    const password = await this.deps.secrets.repositoryPassword();
    return openCloudRepository(config.cloud, password, this.deps.secrets, this.logger, { requestThaw: options.requestThaw ?? false, now: this.clock.now() });
  }

  /** `cloud setup`: versioning, lifecycle, encryption, Object Lock, replication on the configured bucket, step by step. */
  async cloudSetup(): Promise<BucketSetupReport> {
    return setupCloudBucket((await this.config()).cloud, this.deps.secrets);
  }

  /** `cloud status`: what the bucket has and lacks of what `cloud setup` configures (reads only). */
  async cloudStatus(): Promise<BucketStatusReport> {
    return cloudBucketStatus((await this.config()).cloud, this.deps.secrets);
  }

  /**
   * Opens the configured repository with `password` rather than the stored one,
   * so a new password is proven before it replaces a working one (a typo there
   * would lock every job out of the backups).
   */
  async checkRepositoryPassword(password: string): Promise<void> {
    const cfg = await this.config();
    await openRepository(cfg.repository.path, password, this.repoAccess());
  }

  /** Writes a validated config and creates (or connects to) the repository. */
  async initialize(options: InitOptions): Promise<InitResult> {
    // Running init (or the wizard) again keeps every other setting (schedule, alerts, excludes):
    // what the options name replaces those values, what they leave out stays as it was.
    const existing = await this.existingConfig();
    const config = parseConfig(
      {
        ...existing,
        version: 1,
        repository: { ...existing?.repository, path: options.repoPath },
        ...(options.dbPath
          ? { database: { ...existing?.database, path: options.dbPath, ...(options.requiredTables ? { requiredTables: options.requiredTables } : {}) } }
          : {}),
        ...(options.files ? { files: { ...existing?.files, sources: options.files.map((path) => ({ path })) } } : {}),
      },
      'init options',
    );
    const password = await this.deps.secrets.repositoryPassword();
    const { repository, created } = await openOrCreateRepository(config.repository.path, password, this.repoAccess());
    await mkdir(this.paths.root, { recursive: true, mode: 0o700 });
    await writeFileAtomic(this.paths.configFile, `${JSON.stringify(config, null, 2)}\n`);
    this.catalog.addEvent({
      time: this.clock.now().toISOString(), level: 'info', type: 'init',
      message: `${created ? 'created' : 'connected to'} repository ${config.repository.path}`,
      data: { repositoryId: repository.id },
    });
    appendOperation(this.jobContext(), {
      type: 'init',
      summary: `${created ? 'created' : 'connected to'} repository ${config.repository.path}`,
      data: { repositoryId: repository.id, created },
    });
    await syncOplog(this.jobContext(), repository);
    return { configFile: this.paths.configFile, repositoryPath: config.repository.path, repositoryId: repository.id, created };
  }

  /** The current config, or null on a first run; a broken config.json is an error, never silently replaced. */
  private async existingConfig(): Promise<Config | null> {
    try {
      return await loadConfig(this.paths.configFile);
    } catch (err) {
      if (isBackupError(err) && err.kind === 'not-found') return null;
      throw err;
    }
  }

  async snapshotDatabase(options: JobOptions = {}): Promise<DatabaseSnapshotJobResult> {
    const config = await this.config();
    if (!config.database) {
      throw new BackupError('permanent', `no database configured in ${this.paths.configFile}: run \`quantai-backup init --db PATH --repo PATH\``);
    }
    return runDatabaseSnapshotJob(this.jobContext(), config, options);
  }

  async backupFiles(options: JobOptions & { full?: boolean } = {}): Promise<FileBackupJobResult> {
    const config = await this.config();
    if (config.files.sources.length === 0) {
      throw new BackupError('permanent', `no file sources configured in ${this.paths.configFile}: add them with \`quantai-backup init --files DIR\``);
    }
    return runFileBackupJob(this.jobContext(), config, options);
  }

  async snapshots(): Promise<SnapshotSummaryItem[]> {
    const repository = await this.openRepository();
    return listSnapshotSummaries(repository);
  }

  async restore(ref: string, options: RestoreOptions): Promise<RestoreOutcome> {
    return runRestore(this.jobContext(), await this.config(), ref, options);
  }

  /** `restore --at`: the database as it was at a moment, from a replication base and its segments (or just the plan, dryRun). */
  async restoreAt(options: RestoreAtOptions): Promise<RestoreAtOutcome> {
    return runRestoreAt(this.jobContext(), await this.config(), options);
  }

  async check(options: { readData: boolean } & FromOptions): Promise<CheckOutcome> {
    return runCheck(this.jobContext(), await this.config(), options);
  }

  async status(): Promise<StatusReport> {
    return buildStatus(this.jobContext());
  }

  /** The health model now: tiers, destinations and the alert conditions (no password needed). */
  async health(): Promise<HealthReport> {
    return buildHealthReport(this.jobContext(), await this.config());
  }

  /** The daily (rotating pack reads) or full (every pack) verification; the outcome names damaged packs and snapshots. */
  async verify(options: VerifyJobOptions): Promise<VerifyOutcome> {
    return runVerifyJob(this.jobContext(), await this.config(), options);
  }

  /** A restore drill on every destination; its evidence is stored in the catalog. */
  async restoreTest(options: DrillJobOptions = {}): Promise<DrillOutcome> {
    return runDrillJob(this.jobContext(), await this.config(), options);
  }

  /** `compliance verify-log`: checks the operations log's hash chain in one repository copy against the catalog's copy. */
  async verifyLog(options: FromOptions = {}): Promise<VerifyLogOutcome> {
    return runVerifyLog(this.jobContext(), await this.config(), options);
  }

  /** `compliance [report]`: per data class coverage, gaps, copies, holds, Object Lock and early deletions. */
  async complianceReport(): Promise<ComplianceReport> {
    return runComplianceReport(this.jobContext(), await this.config());
  }

  /** Mirrors the repository to the configured bucket, uploading only what it lacks (the 'cloud' job). */
  async cloudSync(options: CloudSyncOptions = {}): Promise<CloudSyncOutcome> {
    return runCloudSyncJob(this.jobContext(), await this.config(), this.deps.secrets, options);
  }

  /** `prune`: removes data no snapshot uses, under the exclusive lock (crash-safe; the mirrors follow at their next sync). */
  async prune(options: PruneJobOptions = {}): Promise<PruneOutcome> {
    return runPruneJob(this.jobContext(), await this.config(), options);
  }

  /** Real-time WAL shipping of the configured database until options.signal aborts (then a final sync). */
  async replicate(options: ReplicateOptions): Promise<ReplicationSummary> {
    return runReplicationJob(this.jobContext(), await this.config(), options);
  }

  /** Replication's generation, position, lag and state, from the catalog (no password needed). */
  async replicationStatus(): Promise<ReplicationStatus> {
    return buildReplicationStatus(this.catalog, await this.config(), this.clock.now());
  }

  /**
   * Evaluates the alert rules and delivers what changed: new alerts, reminders,
   * resolutions, retries of failed deliveries. The scheduler calls it every
   * minute and after each job; a channel that is down never makes it throw.
   */
  async evaluateAlerts(): Promise<AlertsEvaluation> {
    return runAlertsEvaluation(this.jobContext(), await this.config(), this.deps.secrets);
  }

  /** Open and recently resolved alerts, with the delivery state per channel (no password needed). */
  async alerts(): Promise<AlertsOverview> {
    return alertsOverview(this.jobContext(), await this.config());
  }

  /** Sends a test message through one alert channel; throws a BackupError saying why it could not. */
  async testAlertChannel(channel: ChannelName): Promise<ChannelTestResult> {
    return sendTestAlert(this.jobContext(), await this.config(), this.deps.secrets, channel);
  }

  /** Runs one scheduled job now in this process: `run <job>`, and so every scheduled run (a child process). */
  async runJob(name: ScheduledJobName, options: RunJobOptions = {}): Promise<JobRunSummary> {
    return runJob(this, name, options);
  }

  /** Each scheduled job's schedule, last and next run, and state in words (no password needed). */
  async jobs(): Promise<JobsReport> {
    const config = await this.config();
    return buildJobsReport({ home: this.paths.root, schedule: config.schedule, catalog: this.catalog, clock: this.clock });
  }

  /** Pauses jobs (all when none named) until a time (HH:MM, a date, a duration; null: until resumed), with a reason. */
  async pauseJobs(jobs: readonly ScheduledJobName[], until: string | null, reason: string): Promise<PauseResult> {
    const config = await this.config();
    const at = until === null ? null : parsePauseUntil(until, this.clock.now(), config.schedule.timezone);
    return pauseJobs(this.catalog, this.clock, jobs, at, reason);
  }

  /** Resumes paused jobs (all when none named); returns the ones that were paused. */
  resumeJobs(jobs: readonly ScheduledJobName[]): ScheduledJobName[] {
    return resumeJobs(this.catalog, this.clock, jobs);
  }

  /** `offsite list`: every enrolled drive, where it is, what it holds and what is due (catalog only, no drive needed). */
  async offsiteList(): Promise<OffsiteReport> {
    return buildOffsiteReport(this.catalog, (await this.config()).offsite, this.clock.now());
  }

  /** `offsite checkout`: the drive left for the offsite facility (refused when already out or never copied, unless forced). */
  offsiteCheckout(label: string, options: { note?: string; force?: boolean } = {}): MovementResult {
    return checkoutDrive(this.catalog, label, this.clock.now(), options);
  }

  /** `offsite checkin`: the drive came back from the facility. */
  offsiteCheckin(label: string, options: { note?: string } = {}): MovementResult {
    return checkinDrive(this.catalog, label, this.clock.now(), options);
  }

  /** `offsite eject`: flush and unmount the connected drive (refused while an offsite copy runs). */
  async offsiteEject(label: string): Promise<EjectOutcome> {
    const mounted = await requireMountedDrive(new OffsiteStore(this.catalog), label);
    return ejectDrive({ catalog: this.catalog, logger: this.logger }, mounted, this.clock.now());
  }

  /** `offsite enroll`: makes the drive mounted at `mountPath` an offsite drive (marker + catalog); copies nothing. */
  async offsiteEnroll(mountPath: string, label: string): Promise<EnrolledDrive> {
    const repository = await this.openRepository();
    return enrollDrive({ catalog: this.catalog, clock: this.clock, repositoryId: repository.id }, mountPath, label);
  }

  /** `offsite copy` and the 'offsite' job: mirrors the repository onto the mounted enrolled drive (or the one named). */
  async offsiteCopy(options: OffsiteCopyOptions = {}): Promise<OffsiteCopyOutcome> {
    const config = await this.config();
    return runOffsiteCopyJob(this.jobContext(), config, await this.deps.secrets.repositoryPassword(), options);
  }

  /** Enrolled drives mounted now whose identity (UUID and marker) checks out; look-alikes are left out. */
  async mountedOffsiteDrives(): Promise<MountedDrive[]> {
    return (await scanDrives(new OffsiteStore(this.catalog))).mounted;
  }

  /** The repository on an enrolled, mounted offsite drive, read in place (`--from offsite:<label>`). */
  async openOffsiteRepository(label?: string): Promise<Repository> {
    return openOffsiteRepository(this.catalog, await this.deps.secrets.repositoryPassword(), label);
  }

  /** `forget`: applies the retention policy (holds honoured); a dry run only reports what would go and why the rest stays. */
  async forget(options: Omit<ForgetOptions, 'runId'> = {}): Promise<ForgetReport> {
    const config = await this.config();
    const repository = await this.openRepository(config);
    const report = await forgetByPolicy(this.jobContext(), repository, config, options);
    if (!report.dryRun) await syncOplog(this.jobContext(), repository);
    return report;
  }

  /** The 'retention' job: forget by policy, then prune; recorded as one run. */
  async retention(options: RetentionJobOptions = {}): Promise<RetentionJobOutcome> {
    return runRetentionJob(this.jobContext(), await this.config(), options);
  }

  /** Legal holds: the active ones, or every hold ever placed (released ones with when and why). */
  holds(options: { all?: boolean } = {}): Hold[] {
    return options.all ? allHolds(this.catalog) : activeHolds(this.catalog);
  }

  /** `hold add`: places a legal hold on a snapshot, a time range or a data class. */
  async addHold(request: HoldRequest): Promise<Hold> {
    return placeHold(this.jobContext(), await this.config(), request);
  }

  /** `hold release`: ends a hold; the release (when, why, by whom) is recorded, the hold never deleted. */
  async releaseHold(id: number, reason: string): Promise<Hold> {
    return liftHold(this.jobContext(), id, reason);
  }

  /** Takes this home folder's scheduler lock and runs the schedule until stop() (the daemon and the tray app). */
  async startScheduler(options: SchedulerHostOptions): Promise<HostedScheduler> {
    return hostScheduler(this, options);
  }

  close(): void {
    this.catalogHandle?.close();
    this.catalogHandle = null;
  }

  private jobContext(): JobContext {
    return {
      engine: this,
      catalog: this.catalog,
      clock: this.clock,
      logger: this.logger,
      events: this.events,
      hostname: hostname(),
    };
  }
}

export interface JobContext {
  engine: Engine;
  catalog: Catalog;
  clock: Clock;
  logger: Logger;
  events: EngineEvents;
  hostname: string;
}

function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function createEngine(deps: EngineDeps): Engine {
  return new Engine(deps);
}
