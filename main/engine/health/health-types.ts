/**
 * The health model's input (plain facts gathered from the catalog and the
 * file system) and its output (the report the CLI, the tray and the alert
 * dispatcher read). Facts carry times as RFC 3339 strings, as stored.
 */
import type { AlertCondition } from './alert-types.ts';

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

export interface HealthReport {
  overall: HealthState;
  evaluatedAt: string;
  tiers: TierHealth[];
  destinations: DestinationHealth[];
  conditions: AlertCondition[];
}
