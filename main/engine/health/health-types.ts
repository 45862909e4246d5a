/**
 * The health model's input (plain facts gathered from the catalog and the
 * file system) and its output (the report the CLI, the tray and the alert
 * dispatcher read). Facts carry times as RFC 3339 strings, as stored.
 */
import type { AlertCondition } from './alert-types.ts';
import type { OffsiteReminder } from '../offsite/rotation.ts';

export type Tier = 1 | 2 | 3;
export type HealthState = 'healthy' | 'warning' | 'critical' | 'unknown';
export type DestinationKind = 'local' | 'cloud' | 'offsite';
export type VerificationLevel = 'metadata' | 'daily' | 'full';

/** One protected source (the database, or a configured folder) and its newest snapshot. */
export interface SourceFact {
  kind: 'sqlite' | 'files';
  path: string;
  lastSuccess: string | null;
  lastSnapshotId: string | null;
}

export interface RunFact {
  result: string;
  startedAt: string;
  errorMessage: string | null;
}

export interface TierInput {
  tier: Tier;
  sources: SourceFact[];
  /** The newest run of the job that backs this tier up ('snapshot' or 'backup'), for the alert text. */
  lastRun: RunFact | null;
}

export interface SnapshotSize {
  id: string;
  time: string;
  sizeBytes: number | null;
}

/** The two newest snapshots of one source, for the size-change rule. */
export interface SizeHistory {
  kind: 'sqlite' | 'files';
  tier: Tier;
  source: string;
  latest: SnapshotSize;
  previous: SnapshotSize | null;
}

export interface VerificationFact {
  time: string;
  level: VerificationLevel;
  ok: boolean;
  snapshotId: string | null;
  /** Pack and snapshot IDs the report names as damaged or affected. */
  packs: string[];
  snapshots: string[];
  /** The first error messages of the report, for the alert text. */
  messages: string[];
}

export interface DrillFact {
  ok: boolean;
  time: string;
  durationMs: number | null;
  rtoMs: number | null;
  summary: string | null;
}

export interface DestinationInput {
  name: string;
  kind: DestinationKind;
  /** When the destination was set up; the stale rule's grace period starts here. */
  addedAt: string | null;
  lastSuccess: string | null;
  /**
   * Verifications that decide its state: recent failures plus the successes
   * that could clear them (newest success of each level, and of each snapshot
   * whose metadata check failed). Any order.
   */
  verifications: VerificationFact[];
  lastDrill: DrillFact | null;
  space: { freeBytes: number; totalBytes: number } | null;
  /**
   * Whether the repository is where the config says (its config file exists).
   * False for an unmounted NAS or drive: every backup to it fails. Undefined: not checked.
   */
  present?: boolean;
}

export interface HealthInput {
  /** First sign of this installation (init event, first run, config file); the grace periods start here. */
  installedAt: string | null;
  /** Only tiers that have something configured in them. */
  tiers: TierInput[];
  /** Times of database snapshots in (at least) the last 24 hours. */
  recentDatabaseSnapshots: string[];
  /** Whether a database is configured (the too-few-backups rule applies to it). */
  databaseConfigured: boolean;
  sizeHistory: SizeHistory[];
  destinations: DestinationInput[];
  /** The offsite rotation's reminders now (offsite/rotation.ts); absent or empty without enrolled drives. */
  offsiteReminders?: OffsiteReminder[];
  /** Real-time replication (issue 9); absent when it is off. */
  replication?: ReplicationHealthInput;
  /** The operations log (issue 8): the newest chain check and the unflushed backlog; absent while the log is empty. */
  oplog?: OplogHealthInput;
}

/** The operations log as the alert rules see it (compliance/oplog-health.ts). */
export interface OplogHealthInput {
  /** The newest chain check of the local repository's log (the scheduled verify job, or `compliance verify-log`). */
  lastCheck: { time: string; ok: boolean; message: string; firstBadSeq: number | null } | null;
  /** Catalog entries not yet in the repository, and when the oldest of them was logged. */
  pending: number;
  oldestPendingAt: string | null;
}

/** Real-time replication as the alert rules see it (replication/replication-status.ts). */
export interface ReplicationHealthInput {
  state: 'not-started' | 'replicating' | 'stalled' | 'stopped' | 'failed';
  message: string;
  /** Largest lag (commit seen -> durable) in the recent window, ms; 0 without samples. */
  lagMaxMs: number;
  lagAlertSeconds: number;
  lastShippedAt: string | null;
  /** The generation being shipped (null before the first). Optional: the alert rule does not need it. */
  generation?: string | null;
  /** 95th percentile of the lag in the recent window, ms, and how many segments it covers. */
  lagP95Ms?: number;
  lagSamples?: number;
  /** Commit time of the newest commit that is durable in the repository. */
  lastCommitAt?: string | null;
}

export interface TierHealth {
  tier: Tier;
  label: string;
  lastSuccess: string | null;
  ageSeconds: number | null;
  rpoSeconds: number;
  state: HealthState;
}

export interface DestinationHealth {
  name: string;
  kind: DestinationKind;
  lastSuccess: string | null;
  ageSeconds: number | null;
  verification: { state: 'ok' | 'failed' | 'never'; lastTime: string | null; message?: string };
  lastDrill: { ok: boolean; time: string; durationMs: number | null; rtoMs: number | null } | null;
  freeBytes: number | null;
  totalBytes: number | null;
  state: HealthState;
}

/** The replication row of the report; null in the report when replication is off. */
export interface ReplicationHealth {
  /** Worst of the replication conditions; healthy while shipping within the lag limit. */
  state: HealthState;
  replicator: ReplicationHealthInput['state'];
  message: string;
  generation: string | null;
  lagP95Ms: number;
  lagMaxMs: number;
  lagSamples: number;
  lagAlertSeconds: number;
  /** Newest commit durable in the repository, and how long ago (the data a crash now would lose). */
  lastCommitAt: string | null;
  lastCommitAgeSeconds: number | null;
  lastShippedAt: string | null;
}

export interface HealthReport {
  overall: HealthState;
  evaluatedAt: string;
  tiers: TierHealth[];
  destinations: DestinationHealth[];
  /** Real-time replication (issue 9); null when it is off, which never makes health worse. */
  replication: ReplicationHealth | null;
  conditions: AlertCondition[];
}
