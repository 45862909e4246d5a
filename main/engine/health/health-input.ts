/**
 * Gathers the facts the health model needs: from the catalog (snapshots, runs,
 * verifications, drills, the installation's first event) and the free space of
 * the destination's file system. Reads only: no repository password needed.
 * Queries stay bounded (newest rows first, small limits) because the rules run
 * every minute on a catalog that grows for years.
 */
import { existsSync } from 'node:fs';
import { stat, statfs } from 'node:fs/promises';
import { join } from 'node:path';
import type { Config } from '../config/config-schema.ts';
import type { JobContext } from '../engine.ts';
import { timeMs } from './health-format.ts';
import { mainBucketLastSuccess, replicaDestination } from '../cloud/replica-health.ts';
import { readDriveFacts } from '../offsite/offsite-movements.ts';
import { copyTime, rotationReminders, type DriveFacts } from '../offsite/rotation.ts';
import { buildReplicationStatus } from '../replication/replication-status.ts';
import { oplogHealth } from '../compliance/oplog-health.ts';
import type {
  ReplicationHealthInput, OplogHealthInput,
  DestinationInput, DrillFact, HealthInput, RunFact, SizeHistory, SnapshotSize, SourceFact, Tier, TierInput,
  VerificationFact, VerificationLevel,
} from './health-types.ts';
import type Database from 'better-sqlite3';

type Db = Database.Database;

/** Newer than any stored time in any zone is at most 14 h of wall-clock skew; 15 h leaves a margin. */
const ZONE_SLACK_MS = 15 * 3_600_000;
const LOOKBACK_ROWS = 12;

interface SnapshotRow { id: string; time: string; size_bytes: number | null }

function newestFirst<T extends { time: string }>(rows: T[]): T[] {
  // Stored times carry the local offset, so string order can be wrong around a DST change: order by instant.
  return [...rows].sort((a, b) => timeMs(b.time) - timeMs(a.time));
}

function earliest(times: (string | null | undefined)[]): string | null {
  let best: string | null = null;
  for (const t of times) if (t && (best === null || timeMs(t) < timeMs(best))) best = t;
  return best;
}

function sourceSnapshots(db: Db, kind: 'sqlite' | 'files', path: string): SnapshotRow[] {
  const rows = kind === 'sqlite'
    ? db.prepare("SELECT id, time, size_bytes FROM snapshots WHERE kind = 'sqlite' AND source = ? ORDER BY time DESC LIMIT ?").all(path, LOOKBACK_ROWS)
    // A file snapshot's source is its folders joined by newlines: match one whole line.
    : db.prepare(`SELECT id, time, size_bytes FROM snapshots WHERE kind = 'files'
                  AND instr(char(10) || source || char(10), char(10) || ? || char(10)) > 0 ORDER BY time DESC LIMIT ?`).all(path, LOOKBACK_ROWS);
  return newestFirst(rows as SnapshotRow[]);
}

function sourceFact(db: Db, kind: 'sqlite' | 'files', path: string): SourceFact {
  const newest = sourceSnapshots(db, kind, path)[0];
  return { kind, path, lastSuccess: newest?.time ?? null, lastSnapshotId: newest?.id ?? null };
}

function runFact(ctx: JobContext, job: string): RunFact | null {
  const run = ctx.catalog.lastRun(job);
  return run ? { result: run.result, startedAt: run.startedAt, errorMessage: run.errorMessage } : null;
}

function tierInputs(ctx: JobContext, config: Config): TierInput[] {
  const db = ctx.catalog.database;
  const out: TierInput[] = [];
  for (const tier of [1, 2, 3] as Tier[]) {
    const sources: SourceFact[] = [];
    if (tier === 1 && config.database) sources.push(sourceFact(db, 'sqlite', config.database.path));
    for (const f of config.files.sources) if (f.tier === tier) sources.push(sourceFact(db, 'files', f.path));
    if (sources.length === 0) continue;
    const hasDatabase = sources.some((s) => s.kind === 'sqlite');
    out.push({ tier, sources, lastRun: runFact(ctx, hasDatabase ? 'snapshot' : 'backup') });
  }
  return out;
}

function toSize(row: SnapshotRow): SnapshotSize {
  return { id: row.id, time: row.time, sizeBytes: row.size_bytes };
}

function sizeHistory(db: Db, config: Config): SizeHistory[] {
  const out: SizeHistory[] = [];
  const add = (kind: 'sqlite' | 'files', tier: Tier, source: string, rows: SnapshotRow[]): void => {
    const [latest, previous] = rows;
    if (latest) out.push({ kind, tier, source, latest: toSize(latest), previous: previous ? toSize(previous) : null });
  };
  if (config.database) add('sqlite', 1, config.database.path, sourceSnapshots(db, 'sqlite', config.database.path));
  if (config.files.sources.length > 0) {
    // The file job stores all configured folders in one snapshot, under this source string.
    const source = config.files.sources.map((s) => s.path).join('\n');
    const tier = Math.min(...config.files.sources.map((s) => s.tier)) as Tier;
    const rows = db.prepare("SELECT id, time, size_bytes FROM snapshots WHERE kind = 'files' AND source = ? ORDER BY time DESC LIMIT ?").all(source, LOOKBACK_ROWS) as SnapshotRow[];
    add('files', tier, source, newestFirst(rows));
  }
  return out;
}

function recentDatabaseSnapshots(db: Db, config: Config, now: Date): string[] {
  if (!config.database) return [];
  // Compare the wall-clock prefix with a margin for any zone offset, then the exact window in the rules.
  const floor = new Date(now.getTime() - 24 * 3_600_000 - ZONE_SLACK_MS).toISOString().slice(0, 19);
  const rows = db.prepare("SELECT time FROM snapshots WHERE kind = 'sqlite' AND source = ? AND time >= ?").all(config.database.path, floor) as { time: string }[];
  return rows.map((r) => r.time);
}

async function installedAt(ctx: JobContext): Promise<string | null> {
  const db = ctx.catalog.database;
  const init = db.prepare("SELECT time FROM events WHERE type = 'init' ORDER BY id LIMIT 1").get() as { time: string } | undefined;
  const run = db.prepare('SELECT started_at AS time FROM runs ORDER BY id LIMIT 1').get() as { time: string } | undefined;
  let configWritten: string | null = null;
  try {
    configWritten = (await stat(ctx.engine.paths.configFile)).mtime.toISOString();
  } catch (err) {
    // No config file: the caller has a config from elsewhere (tests); the catalog's first entries decide.
    ctx.logger.log('info', 'health: no config file time for the installation date', { error: (err as Error).message });
  }
  return earliest([init?.time, run?.time, configWritten]);
}

const HEX_ID = /^[0-9a-f]{8,64}$/;

function ids(value: unknown): string[] {
  if (typeof value === 'string') return HEX_ID.test(value) ? [value] : [];
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string' && HEX_ID.test(v));
  return [];
}

/**
 * The damaged packs, affected snapshots and first messages named by a stored
 * verification report (verify/repository-verification.ts, post-snapshot-check.ts).
 * Read tolerantly, so an older or newer report still names what it can:
 * `{ pack?, snapshot?, message }` items in `errors`, `damagedPacks` items
 * `{ pack, snapshots, messages }`, `affectedSnapshots`, a top-level `snapshotId`.
 */
export function reportFacts(reportJson: string | null): { packs: string[]; snapshots: string[]; messages: string[] } {
  const packs = new Set<string>();
  const snapshots = new Set<string>();
  const messages: string[] = [];
  if (reportJson === null) return { packs: [], snapshots: [], messages };
  let report: unknown;
  try {
    report = JSON.parse(reportJson);
  } catch {
    return { packs: [], snapshots: [], messages: ['the verification report is not readable JSON'] };
  }
  const collect = (item: unknown): void => {
    if (!item || typeof item !== 'object') return;
    const o = item as Record<string, unknown>;
    for (const key of ['pack', 'packs', 'packId', 'damagedPacks']) ids(o[key]).forEach((id) => packs.add(id));
    for (const key of ['snapshot', 'snapshots', 'snapshotId', 'affectedSnapshots']) ids(o[key]).forEach((id) => snapshots.add(id));
    for (const key of ['message', 'error']) if (typeof o[key] === 'string' && messages.length < 3) messages.push(o[key]);
    if (Array.isArray(o['messages'])) for (const m of o['messages']) if (typeof m === 'string' && messages.length < 3) messages.push(m);
  };
  collect(report);
  // Per-item lists: check errors, damaged packs ({ pack, snapshots, messages }), metadata problems.
  for (const key of ['errors', 'damagedPacks', 'problems']) {
    const list = (report as Record<string, unknown> | null)?.[key];
    if (Array.isArray(list)) list.forEach(collect);
  }
  return { packs: [...packs], snapshots: [...snapshots], messages };
}

interface VerificationRow { time: string; level: VerificationLevel; ok: number; snapshot_id: string | null; report: string | null }

function toVerification(row: VerificationRow): VerificationFact {
  return { time: row.time, level: row.level, ok: row.ok === 1, snapshotId: row.snapshot_id, ...reportFacts(row.report) };
}

function verificationFacts(db: Db, destination: string): VerificationFact[] {
  const cols = 'time, level, ok, snapshot_id, report';
  const failures = db.prepare(`SELECT ${cols} FROM verifications WHERE destination = ? AND ok = 0 ORDER BY id DESC LIMIT 50`).all(destination) as VerificationRow[];
  const rows = [...failures];
  // The successes that could clear those failures: the newest of each level...
  for (const level of ['metadata', 'daily', 'full'] as const) {
    const row = db.prepare(`SELECT ${cols} FROM verifications WHERE destination = ? AND ok = 1 AND level = ? ORDER BY id DESC LIMIT 1`).get(destination, level) as VerificationRow | undefined;
    if (row) rows.push(row);
  }
  // ...and the newest metadata check of each snapshot whose metadata check failed.
  const failedSnapshots = new Set(failures.filter((f) => f.level === 'metadata' && f.snapshot_id).map((f) => f.snapshot_id!));
  for (const snapshotId of failedSnapshots) {
    const row = db.prepare(`SELECT ${cols} FROM verifications WHERE destination = ? AND ok = 1 AND level = 'metadata' AND snapshot_id = ? ORDER BY id DESC LIMIT 1`).get(destination, snapshotId) as VerificationRow | undefined;
    if (row) rows.push(row);
  }
  return rows.map(toVerification);
}

/** A short reason from a drill's evidence report, if it states one. */
function drillSummary(reportJson: string | null): string | null {
  if (reportJson === null) return null;
  let report: unknown;
  try {
    report = JSON.parse(reportJson);
  } catch {
    return 'the drill report is not readable JSON';
  }
  if (!report || typeof report !== 'object') return null;
  const o = report as Record<string, unknown>;
  for (const key of ['error', 'failure', 'summary', 'message']) if (typeof o[key] === 'string') return o[key];
  const checks = Array.isArray(o['checks']) ? (o['checks'] as Record<string, unknown>[]) : [];
  const failed = checks.find((c) => c && typeof c === 'object' && c['ok'] === false);
  if (failed) return [failed['name'], failed['message'] ?? failed['detail']].filter((v) => typeof v === 'string').join(': ') || null;
  return null;
}

function lastDrill(db: Db, destination: string): DrillFact | null {
  // A drill still running (ok IS NULL) says nothing yet: the newest finished one counts.
  const row = db.prepare('SELECT started_at, ended_at, ok, duration_ms, rto_ms, report_json FROM drills WHERE destination = ? AND ok IS NOT NULL ORDER BY id DESC LIMIT 1').get(destination) as
    { started_at: string; ended_at: string | null; ok: number; duration_ms: number | null; rto_ms: number | null; report_json: string | null } | undefined;
  if (!row) return null;
  return { ok: row.ok === 1, time: row.ended_at ?? row.started_at, durationMs: row.duration_ms, rtoMs: row.rto_ms, summary: drillSummary(row.report_json) };
}

async function freeSpace(ctx: JobContext, path: string): Promise<{ freeBytes: number; totalBytes: number } | null> {
  try {
    const s = await statfs(path);
    return { freeBytes: s.bavail * s.bsize, totalBytes: s.blocks * s.bsize };
  } catch (err) {
    // A missing or unmounted repository is reported by status itself; free space is then simply unknown.
    ctx.logger.log('info', 'health: cannot read free space of the destination', { path, error: (err as Error).message });
    return null;
  }
}

async function localDestination(ctx: JobContext, config: Config, installed: string | null): Promise<DestinationInput> {
  const db = ctx.catalog.database;
  const newest = newestFirst(db.prepare('SELECT time FROM snapshots ORDER BY time DESC LIMIT ?').all(LOOKBACK_ROWS) as { time: string }[])[0];
  return {
    name: 'local',
    kind: 'local',
    addedAt: installed,
    lastSuccess: newest?.time ?? null,
    verifications: verificationFacts(db, 'local'),
    lastDrill: lastDrill(db, 'local'),
    space: await freeSpace(ctx, config.repository.path),
    present: existsSync(join(config.repository.path, 'config')),
  };
}

/**
 * The cloud copy: fresh as its last successful 'cloud' job run. Its verifications
 * and drills are stored under the destination name 'cloud'. No network here:
 * the rules run every minute; an unreachable bucket shows as a failed run, then stale.
 */
function cloudDestination(ctx: JobContext, config: Config, installed: string | null): DestinationInput {
  const db = ctx.catalog.database;
  return {
    name: 'cloud',
    kind: 'cloud',
    addedAt: installed,
    lastSuccess: mainBucketLastSuccess(db),
    verifications: verificationFacts(db, 'cloud'),
    lastDrill: lastDrill(db, 'cloud'),
    space: null,
  };
}

/**
 * The offsite drives as one destination, fresh as the newest completed copy on
 * any drive still in the rotation (retired drives no longer count). Present only
 * once a drive is enrolled. Its verifications and drills are stored under 'offsite'.
 */
function offsiteDestination(ctx: JobContext, drives: readonly DriveFacts[]): DestinationInput[] {
  const active = drives.filter((d) => d.retiredAt === null);
  if (active.length === 0) return [];
  const db = ctx.catalog.database;
  let newest: string | null = null;
  for (const d of active) if (d.lastOkCopy && (newest === null || timeMs(copyTime(d.lastOkCopy)) > timeMs(newest))) newest = copyTime(d.lastOkCopy);
  const enrolled = active.map((d) => d.enrolledAt).sort((a, b) => timeMs(a) - timeMs(b))[0] ?? null;
  return [{
    name: 'offsite',
    kind: 'offsite',
    addedAt: enrolled,
    lastSuccess: newest,
    verifications: verificationFacts(db, 'offsite'),
    lastDrill: lastDrill(db, 'offsite'),
    // The drive is usually at the facility: its space is checked when a copy starts.
    space: null,
  }];
}

export async function gatherHealthInput(ctx: JobContext, config: Config): Promise<HealthInput> {
  const db = ctx.catalog.database;
  const installed = await installedAt(ctx);
  const drives = readDriveFacts(ctx.catalog);
  return {
    installedAt: installed,
    tiers: tierInputs(ctx, config),
    recentDatabaseSnapshots: recentDatabaseSnapshots(db, config, ctx.clock.now()),
    databaseConfigured: config.database !== undefined,
    sizeHistory: sizeHistory(db, config),
    destinations: [
      await localDestination(ctx, config, installed),
      ...(config.cloud.enabled && config.cloud.bucket ? [cloudDestination(ctx, config, installed)] : []),
      ...replicaDestination(db, config, installed),
      ...offsiteDestination(ctx, drives),
    ],
    offsiteReminders: rotationReminders(drives, ctx.clock.now(), config.offsite),
    ...replicationInput(ctx, config),
    ...oplogInput(ctx),
  };
}

/** The operations log's newest chain check and unflushed backlog (issue 8), once anything was logged. */
function oplogInput(ctx: JobContext): { oplog?: OplogHealthInput } {
  const oplog = oplogHealth(ctx.catalog);
  return oplog ? { oplog } : {};
}

/** The replication row, when replication is enabled for a configured database. */
function replicationInput(ctx: JobContext, config: Config): { replication?: ReplicationHealthInput } {
  if (!config.replication.enabled || !config.database) return {};
  const s = buildReplicationStatus(ctx.catalog, config, ctx.clock.now());
  if (s.state === 'off') return {};
  return {
    replication: {
      state: s.state, message: s.message, lagMaxMs: s.lag.maxMs, lagAlertSeconds: s.lagAlertSeconds, lastShippedAt: s.lastShippedAt,
      generation: s.generation, lagP95Ms: s.lag.p95Ms, lagSamples: s.lag.samples, lastCommitAt: s.lastCommitAt,
    },
  };
}
