/**
 * One restore drill against one destination: restore the latest database
 * snapshot and a sample of files from the latest file snapshot into a
 * temporary folder, check them, time them against the tiers' recovery-time
 * objectives, and return the evidence. Problems found are evidence, not
 * exceptions: a damaged repository yields a failed drill saying what failed.
 * The temporary folder is removed whatever happens.
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Catalog } from '../catalog/catalog.ts';
import type { Clock } from '../clock.ts';
import type { Config } from '../config/config-schema.ts';
import { rtoMs } from '../config/verification-schema.ts';
import { describeError } from '../errors.ts';
import type { RepoLock } from '../repo/lock.ts';
import type { Repository } from '../repo/repository.ts';
import type { SnapshotEntry } from '../repo/types.ts';
import type { CheckResult } from '../verify/check-result.ts';
import { checkDatabaseByRestore } from '../verify/database-restore-check.ts';
import type { Destination } from '../verify/destinations.ts';
import { tempOwnerTag } from '../home/tmp-sweep.ts';
import { DRILL_EVIDENCE_FORMAT, type DatabaseDrillPart, type DrillEvidence, type FilesDrillPart } from './drill-evidence.ts';
import { drillHost, drillVersions } from './drill-versions.ts';
import { chooseSample, listSnapshotFiles, restoreSampledFile, type SnapshotFile } from './file-sample.ts';

export type DrillPhase = 'opening repository' | 'restoring database' | 'restoring files';

export interface DrillOptions {
  destination: Destination;
  config: Config;
  /** Parent of the drill's temporary folder (the home folder's tmp/). */
  tmpDir: string;
  catalog: Catalog;
  clock: Clock;
  signal?: AbortSignal;
  onPhase?: (phase: DrillPhase) => void;
  /** Random integer in [0, max): injected by tests that need a known sample. */
  random?: (max: number) => number;
}

const tierOf = (entry: SnapshotEntry, fallback: number): number => {
  const tag = (entry.snapshot.tags ?? []).find((t) => /^tier:\d$/.test(t));
  return tag ? Number(tag.slice(5)) : fallback;
};

export async function runDrill(opts: DrillOptions): Promise<DrillEvidence> {
  const startedAt = opts.clock.now();
  const started = performance.now();
  const checks: CheckResult[] = [];
  let repositoryId: string | null = null;
  let repositoryFormat: number | null = null;
  let database: DatabaseDrillPart | null = null;
  let files: FilesDrillPart | null = null;

  await mkdir(opts.tmpDir, { recursive: true });
  const folder = await mkdtemp(join(opts.tmpDir, `drill-${tempOwnerTag()}-`));
  let lock: RepoLock | null = null;
  try {
    opts.onPhase?.('opening repository');
    let repo: Repository | null = null;
    let snapshots: SnapshotEntry[] = [];
    try {
      repo = await opts.destination.open();
      repositoryId = repo.id;
      repositoryFormat = repo.config.version;
      lock = await repo.lock();
      snapshots = await repo.listSnapshots();
      checks.push({ name: 'open repository', result: 'pass', detail: `${snapshots.length} snapshot(s)` });
    } catch (err) {
      checks.push({ name: 'open repository', result: 'fail', detail: describeError(err) });
    }
    if (repo) {
      const latestDb = snapshots.filter((s) => (s.snapshot.tags ?? []).includes('kind:sqlite')).at(-1);
      const latestFiles = snapshots.filter((s) => (s.snapshot.tags ?? []).includes('kind:files')).at(-1);
      if (latestDb) {
        opts.signal?.throwIfAborted();
        opts.onPhase?.('restoring database');
        database = await drillDatabase(repo, latestDb, opts, folder);
      } else if (opts.config.database) {
        checks.push({ name: 'database snapshot', result: 'fail', detail: `the destination holds no snapshot of ${opts.config.database.path}` });
      }
      if (latestFiles) {
        opts.signal?.throwIfAborted();
        opts.onPhase?.('restoring files');
        files = await drillFiles(repo, latestFiles, opts, folder);
      } else if (opts.config.files.sources.length > 0) {
        checks.push({ name: 'file snapshot', result: 'fail', detail: `the destination holds no snapshot of ${opts.config.files.sources.map((s) => s.path).join(', ')}` });
      }
      if (!latestDb && !latestFiles && !opts.config.database && opts.config.files.sources.length === 0) {
        checks.push({ name: 'snapshots', result: 'fail', detail: 'nothing to restore: no database or file snapshots, and nothing configured' });
      }
    }
  } finally {
    await lock?.release().catch((err: unknown) => checks.push({ name: 'release lock', result: 'fail', detail: describeError(err) }));
    await rm(folder, { recursive: true, force: true });
  }

  const failures = [
    ...failedLines('destination', checks),
    ...(database ? failedLines('database', database.checks) : []),
    ...(files ? failedLines('files', files.checks) : []),
    ...(files ? files.sampled.filter((f) => f.result === 'fail').map((f) => `files: ${f.path}: ${f.detail ?? 'failed'}`) : []),
  ];
  const parts = [
    ...(database ? [{ part: 'database' as const, ms: database.restoreMs, rtoMs: database.rtoMs }] : []),
    ...(files ? [{ part: 'files' as const, ms: files.estimatedFullRestoreMs, rtoMs: files.rtoMs }] : []),
  ];
  const summary = failures.length === 0
    ? `the restore drill from ${opts.destination.name} passed`
    : `the restore drill from ${opts.destination.name} failed: ${failures[0]}${failures.length > 1 ? ` (and ${failures.length - 1} more)` : ''}`;
  const binding = parts.reduce<(typeof parts)[number] | null>((worst, p) => (!worst || p.ms / p.rtoMs > worst.ms / worst.rtoMs ? p : worst), null);
  return {
    format: DRILL_EVIDENCE_FORMAT,
    ok: failures.length === 0,
    withinRto: parts.every((p) => p.ms <= p.rtoMs),
    startedAt: startedAt.toISOString(),
    endedAt: opts.clock.now().toISOString(),
    durationMs: Math.round(performance.now() - started),
    host: drillHost(),
    versions: drillVersions(repositoryFormat),
    destination: { name: opts.destination.name, location: opts.destination.location, repositoryId },
    checks,
    database,
    files,
    summary,
    failures,
    binding,
  };
}

function failedLines(part: string, checks: readonly CheckResult[]): string[] {
  return checks
    .filter((c) => c.result === 'fail')
    .map((c) => `${part}: ${c.name}: ${c.detail ?? `expected ${JSON.stringify(c.expected)}, got ${JSON.stringify(c.actual)}`}`);
}

async function drillDatabase(repo: Repository, entry: SnapshotEntry, opts: DrillOptions, folder: string): Promise<DatabaseDrillPart> {
  const tier = tierOf(entry, 1);
  const rto = rtoMs(opts.config.verification, tier);
  const result = await checkDatabaseByRestore(repo, entry, {
    tmpDir: folder, catalogRecord: opts.catalog.snapshotRecord(entry.id), ...(opts.signal ? { signal: opts.signal } : {}),
  });
  return {
    snapshotId: entry.id, snapshotTime: entry.snapshot.time, source: result.source, tier,
    restoreMs: result.restoreMs, rtoMs: rto, withinRto: result.restoreMs <= rto,
    size: result.size, sha256: result.sha256, tables: result.tables, checks: result.checks,
  };
}

async function drillFiles(repo: Repository, entry: SnapshotEntry, opts: DrillOptions, folder: string): Promise<FilesDrillPart> {
  const configuredTier = Math.min(3, ...opts.config.files.sources.map((s) => s.tier));
  const tier = tierOf(entry, configuredTier);
  const rto = rtoMs(opts.config.verification, tier);
  const sampleRequested = opts.config.verification.drill.sampleFiles;
  const part: FilesDrillPart = {
    snapshotId: entry.id, snapshotTime: entry.snapshot.time, paths: entry.snapshot.paths, tier,
    filesInSnapshot: 0, bytesInSnapshot: 0, sampleRequested, sampled: [], restoreMs: 0, restoredBytes: 0,
    estimatedFullRestoreMs: 0, rtoMs: rto, withinRto: true, checks: [],
  };
  let all: SnapshotFile[];
  try {
    all = await listSnapshotFiles(repo, entry.snapshot.tree);
  } catch (err) {
    part.checks.push({ name: 'list files', result: 'fail', detail: describeError(err) });
    return part;
  }
  part.filesInSnapshot = all.length;
  part.bytesInSnapshot = all.reduce((n, f) => n + f.size, 0);
  const sample = chooseSample(all, sampleRequested, opts.random);
  const target = join(folder, 'files');
  await mkdir(target);
  const started = performance.now();
  for (const [i, file] of sample.entries()) {
    part.sampled.push(await restoreSampledFile(repo, file, target, i, i === 0, opts.signal));
  }
  part.restoreMs = Math.round(performance.now() - started);
  part.restoredBytes = part.sampled.reduce((n, f) => n + f.restoredBytes, 0);
  // Extrapolated by bytes: the largest file is always in the sample, so the rate is measured on real volume.
  part.estimatedFullRestoreMs = part.restoredBytes > 0 ? Math.round((part.restoreMs * part.bytesInSnapshot) / part.restoredBytes) : part.restoreMs;
  part.withinRto = part.estimatedFullRestoreMs <= rto;
  const failed = part.sampled.filter((f) => f.result === 'fail').length;
  part.checks.push(
    sample.length === 0
      ? { name: 'sampled files', result: 'skipped', detail: 'the snapshot holds no files' }
      : { name: 'sampled files', result: failed === 0 ? 'pass' : 'fail', expected: sample.length, actual: sample.length - failed, detail: `${sample.length - failed} of ${sample.length} restored with the recorded size` },
  );
  return part;
}
