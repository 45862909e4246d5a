/**
 * `status`: what a person or a monitoring script needs at a glance, answered
 * from the config and the catalog without the repository password.
 * The JSON shape is part of the CLI contract (docs/cli.md).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { RunRecord } from '../catalog/catalog.ts';
import type { Config } from '../config/config-schema.ts';
import type { JobContext } from '../engine.ts';
import { isBackupError } from '../errors.ts';
import { buildHealthReport } from '../health/health-report.ts';
import type { HealthReport } from '../health/health-types.ts';

export interface StatusReport {
  home: string;
  configured: boolean;
  configError: string | null;
  repository: { path: string; present: boolean } | null;
  database: { path: string; requiredTables: string[] } | null;
  fileSources: string[];
  lastDatabaseSnapshot: { id: string; time: string; sizeBytes: number | null; bytesAdded: number; sha256: string | null } | null;
  lastFileBackup: { id: string; time: string; bytesAdded: number } | null;
  lastRuns: Record<string, { result: string; startedAt: string; endedAt: string | null; errorMessage: string | null } | null>;
  /** The health model (tiers, destinations, alert conditions); null while there is no valid config. */
  health: HealthReport | null;
}

const JOBS = ['snapshot', 'backup', 'check', 'restore'] as const;

function runSummary(run: RunRecord | null) {
  return run ? { result: run.result, startedAt: run.startedAt, endedAt: run.endedAt, errorMessage: run.errorMessage } : null;
}

export async function buildStatus(ctx: JobContext): Promise<StatusReport> {
  const report: StatusReport = {
    home: ctx.engine.paths.root,
    configured: false,
    configError: null,
    repository: null,
    database: null,
    fileSources: [],
    lastDatabaseSnapshot: null,
    lastFileBackup: null,
    lastRuns: {},
    health: null,
  };
  let config: Config;
  try {
    config = await ctx.engine.config();
    report.configured = true;
    report.repository = { path: config.repository.path, present: existsSync(join(config.repository.path, 'config')) };
    report.database = config.database ? { path: config.database.path, requiredTables: config.database.requiredTables } : null;
    report.fileSources = config.files.sources.map((s) => s.path);
  } catch (err) {
    if (!isBackupError(err) || err.kind !== 'not-found') report.configError = err instanceof Error ? err.message : String(err);
    return report;
  }
  const db = ctx.catalog.latestSnapshot('sqlite');
  report.lastDatabaseSnapshot = db ? { id: db.id, time: db.time, sizeBytes: db.sizeBytes, bytesAdded: db.bytesAdded, sha256: db.sha256 } : null;
  const files = ctx.catalog.latestSnapshot('files');
  report.lastFileBackup = files ? { id: files.id, time: files.time, bytesAdded: files.bytesAdded } : null;
  for (const job of JOBS) report.lastRuns[job] = runSummary(ctx.catalog.lastRun(job));
  report.health = await buildHealthReport(ctx, config);
  return report;
}
