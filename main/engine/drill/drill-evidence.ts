/**
 * The evidence a restore drill leaves behind: what was restored, from where,
 * each check and its result, the timings against the recovery-time
 * objectives, and the host and versions that ran it. Stored as JSON in the
 * catalog (drills.report_json) and rendered to HTML by drill-html.ts.
 */
import type { CheckResult } from '../verify/check-result.ts';
import type { SampledFileResult } from './file-sample.ts';

export const DRILL_EVIDENCE_FORMAT = 'quantai-drill-evidence/1';

export interface DrillHost {
  hostname: string;
  platform: string;
  arch: string;
  release: string;
}

export interface DrillVersions {
  quantaiBackup: string;
  node: string;
  sqlite: string;
  repositoryFormat: number | null;
}

export interface DatabaseDrillPart {
  snapshotId: string;
  snapshotTime: string;
  source: string;
  tier: number;
  /** Wall time of the full database restore including its integrity_check. */
  restoreMs: number;
  rtoMs: number;
  withinRto: boolean;
  size: number | null;
  sha256: string | null;
  tables: Record<string, number> | null;
  checks: CheckResult[];
}

export interface FilesDrillPart {
  snapshotId: string;
  snapshotTime: string;
  paths: string[];
  tier: number;
  filesInSnapshot: number;
  bytesInSnapshot: number;
  sampleRequested: number;
  sampled: SampledFileResult[];
  /** Wall time of restoring the sampled files. */
  restoreMs: number;
  restoredBytes: number;
  /** The whole snapshot at the sample's measured throughput: what a full recovery would take. */
  estimatedFullRestoreMs: number;
  rtoMs: number;
  withinRto: boolean;
  checks: CheckResult[];
}

export interface DrillEvidence {
  format: typeof DRILL_EVIDENCE_FORMAT;
  ok: boolean;
  withinRto: boolean;
  startedAt: string;
  endedAt: string;
  durationMs: number;
  host: DrillHost;
  versions: DrillVersions;
  destination: { name: string; location: string; repositoryId: string | null };
  /** Checks that are not about one part: the repository opens, snapshots exist. */
  checks: CheckResult[];
  database: DatabaseDrillPart | null;
  files: FilesDrillPart | null;
  /** One sentence: passed, or the first thing that failed (what health and alerts show). */
  summary: string;
  /** One line per failed check, for a notification or a terminal. */
  failures: string[];
  /** The measurement closest to (or furthest past) its objective; what drills.duration_ms/rto_ms hold. */
  binding: { part: 'database' | 'files'; ms: number; rtoMs: number } | null;
}
