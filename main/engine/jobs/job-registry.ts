/**
 * Every job the scheduler and `quantai-backup run <job>` know: how it runs and
 * how it must be scheduled. The CLI and the scheduler use this one table, so a
 * job run by hand is the same code path as a scheduled one.
 */
import type { ScheduledJobName } from '../config/schedule-schema.ts';
import type { Engine } from '../engine.ts';
import { recordSkippedRun } from './skipped-run.ts';
import { OffsiteStore } from '../offsite/offsite-store.ts';
import { drivePickedForScheduledCopy } from './offsite-job.ts';

/** critical: database snapshots, never delayed by other jobs or blackouts; standard: one at a time. */
export type Lane = 'critical' | 'standard';

export interface JobRunOptions {
  signal?: AbortSignal;
}

export interface JobRunSummary {
  runId: number;
  result: 'success' | 'warning' | 'skipped';
  snapshotId?: string;
  bytesAdded?: number;
  /** Why a skipped run did nothing. */
  reason?: string;
}

export interface JobDefinition {
  name: ScheduledJobName;
  description: string;
  lane: Lane;
  /** Heavy jobs wait for blackouts to end and run at low CPU/IO priority. */
  heavy: boolean;
  /** Waits for the network (with backoff) before it starts. */
  needsNetwork: boolean;
  /** Set while the job is not built: running it records a 'skipped' run with this reason. */
  unavailable?: string;
  run(engine: Engine, options: JobRunOptions): Promise<JobRunSummary>;
}

export const JOB_REGISTRY: Readonly<Record<ScheduledJobName, JobDefinition>> = {
  snapshot: {
    name: 'snapshot', description: 'consistent, verified snapshot of the trading database',
    lane: 'critical', heavy: false, needsNetwork: false,
    run: async (engine, { signal }) => {
      const r = await engine.snapshotDatabase(signal ? { signal } : {});
      return { runId: r.runId, result: r.result, snapshotId: r.snapshotId, bytesAdded: r.bytesAdded };
    },
  },
  backup: {
    name: 'backup', description: 'file backup of the configured folders (unchanged files reused)',
    lane: 'standard', heavy: false, needsNetwork: false,
    run: async (engine, { signal }) => {
      const r = await engine.backupFiles(signal ? { signal } : {});
      return { runId: r.runId, result: r.result, snapshotId: r.snapshotId, bytesAdded: r.bytesAdded };
    },
  },
  full: {
    name: 'full', description: 'full file backup: re-reads every file instead of trusting the previous snapshot',
    lane: 'standard', heavy: true, needsNetwork: false,
    run: async (engine, { signal }) => {
      const r = await engine.backupFiles({ full: true, ...(signal ? { signal } : {}) });
      return { runId: r.runId, result: r.result, snapshotId: r.snapshotId, bytesAdded: r.bytesAdded };
    },
  },
  cloud: {
    name: 'cloud', description: 'mirror the repository to S3',
    lane: 'standard', heavy: true, needsNetwork: true,
    run: async (engine, { signal }) => {
      // Not set up is not a failure: the daily run says so and does nothing.
      if (!(await engine.config()).cloud.enabled) return recordSkippedRun(engine, 'cloud', 'the cloud tier is not enabled (cloud.enabled in config.json): nothing was uploaded');
      const r = await engine.cloudSync(signal ? { signal } : {});
      return { runId: r.runId, result: 'success', bytesAdded: r.uploadedBytes };
    },
  },
  offsite: {
    name: 'offsite', description: 'copy the repository to the enrolled offsite drive',
    lane: 'standard', heavy: true, needsNetwork: false,
    run: async (engine, { signal }) => {
      // A drive in the vault is the normal state, not a failure: the run says so and copies nothing.
      const drive = drivePickedForScheduledCopy(new OffsiteStore(engine.catalog), await engine.mountedOffsiteDrives());
      if (!drive) return recordSkippedRun(engine, 'offsite', 'no enrolled offsite drive is mounted: nothing was copied');
      const r = await engine.offsiteCopy({ label: drive.drive.label, ...(signal ? { signal } : {}) });
      return { runId: r.runId, result: 'success', bytesAdded: r.uploadedBytes };
    },
  },
  verify: {
    name: 'verify', description: 'verify the repository: structure, the newest database snapshot and a rotating sample of packs',
    lane: 'standard', heavy: true, needsNetwork: false,
    run: async (engine, { signal }) => {
      // Problems found make the verification job throw, so the run is recorded as failed.
      const r = await engine.verify({ level: 'daily', ...(signal ? { signal } : {}) });
      return { runId: r.runId, result: 'success' };
    },
  },
  retention: {
    name: 'retention', description: 'apply the retention policy and compliance holds',
    lane: 'standard', heavy: true, needsNetwork: false,
    run: async (engine, { signal }) => {
      // Over the safety brake the run fails with one line saying to check `forget --dry-run` and use `forget --force`.
      const r = await engine.retention(signal ? { signal } : {});
      return { runId: r.runId, result: r.result };
    },
  },
  drill: {
    name: 'drill', description: 'restore drill: restore the latest snapshots on every destination and check them',
    lane: 'standard', heavy: true, needsNetwork: false,
    run: async (engine, { signal }) => {
      const r = await engine.restoreTest(signal ? { signal } : {});
      return { runId: r.runId, result: r.withinRto ? 'success' : 'warning' };
    },
  },
};

export function jobDefinition(name: ScheduledJobName): JobDefinition {
  return JOB_REGISTRY[name];
}
