/**
 * Snapshot benchmark: our consistent SQLite snapshot against the tools a user
 * would otherwise reach for, measured in the same run on the same database.
 *
 *   npm run bench:snapshot -- [--size-mb 1024] [--repeats 3] [--txs 3000]   (--help for all)
 *
 * Figures (medians over the repeats):
 *  - time of one snapshot while a writer commits ~1000 tx/s: ours vs
 *    `sqlite3 .backup` vs `restic backup` of the database file;
 *  - the writer's p99 commit latency during each, and with nothing else running;
 *  - repository growth per "15-minute" interval (a fixed number of
 *    transactions between two snapshots), ours vs restic, counting every file
 *    of the repository (packs, trees, index, snapshots).
 * Progress goes to stderr; the table and one JSON line with every figure go to stdout.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { BackupError, describeError } from '../main/engine/errors.ts';
import type { Repository } from '../main/engine/repo/repository.ts';
import { createTradingDb } from '../test/support/trading-db.ts';
import { findTool } from '../test/support/tools.ts';
import { parseBenchOptions, USAGE } from './lib/bench-options.ts';
import type { BenchOptions } from './lib/bench-options.ts';
import { dirSize } from './lib/dir-size.ts';
import { createBenchRepository, ourSnapshot } from './lib/our-snapshot.ts';
import { resticBackup, resticCheck, resticInit, resticOpenMs } from './lib/restic-peer.ts';
import type { ResticRepo } from './lib/restic-peer.ts';
import { sqliteBackup } from './lib/sqlite-peer.ts';
import { formatJson, formatReport } from './lib/report.ts';
import type { BenchFigures, GrowthFigures, TimingFigures } from './lib/figures.ts';
import { fixed, megabytes, seconds } from './lib/table.ts';
import { baseline, checkpoint, commitTransactions, underWriter } from './lib/writer-control.ts';

const PASSWORD = 'bench-password';

interface Paths {
  root: string;
  db: string;
  ourRepo: string;
  ourTmp: string;
  resticRepo: string;
  resticCache: string;
  sqliteCopy: string;
}

const log = (message: string) => process.stderr.write(`[bench] ${message}\n`);

function createPaths(): Paths {
  const root = mkdtempSync(join(tmpdir(), 'qb-bench-'));
  return {
    root,
    db: join(root, 'trading.db'),
    ourRepo: join(root, 'ours-repo'),
    ourTmp: join(root, 'ours-tmp'),
    resticRepo: join(root, 'restic-repo'),
    resticCache: join(root, 'restic-cache'),
    sqliteCopy: join(root, 'sqlite-backup.db'),
  };
}

async function measureTiming(opts: BenchOptions, paths: Paths, repo: Repository, restic: ResticRepo, parentRef: { id: string }): Promise<TimingFigures> {
  const t: TimingFigures = {
    baselineP99Ms: [], oursMs: [], oursCopyMs: [], oursP99Ms: [], sqliteMs: [], sqliteP99Ms: [], resticMs: [], resticP99Ms: [],
  };
  const timeoutMs = opts.peerTimeoutSeconds * 1000;
  for (let i = 1; i <= opts.repeats; i++) {
    // Interleaved per repeat, so drift over the run (page cache, file growth) spreads over every contender.
    const base = await baseline(paths.db, opts.rate, opts.baselineSeconds * 1000);
    t.baselineP99Ms.push(base.writer.p99Ms);
    log(`repeat ${i}: writer alone p99 ${fixed(base.writer.p99Ms, 2)} ms`);

    const ours = await underWriter(paths.db, opts.rate, () => ourSnapshot(repo, paths.db, paths.ourTmp, parentRef.id));
    parentRef.id = ours.value.result.snapshotId;
    t.oursMs.push(ours.value.ms);
    t.oursCopyMs.push(ours.value.result.copyMs);
    t.oursP99Ms.push(ours.writer.p99Ms);
    log(`repeat ${i}: ours ${seconds(ours.value.ms)} s, writer p99 ${fixed(ours.writer.p99Ms, 2)} ms`);

    // A paged backup that timed out once will time out again: do not spend the timeout on every repeat.
    if (!t.sqliteMs.includes(null)) {
      const sq = await underWriter(paths.db, opts.rate, () => sqliteBackup(paths.db, paths.sqliteCopy, timeoutMs));
      t.sqliteMs.push(sq.value.timedOut ? null : sq.value.ms);
      t.sqliteP99Ms.push(sq.writer.p99Ms);
      log(`repeat ${i}: sqlite3 .backup ${sq.value.timedOut ? `did not finish in ${opts.peerTimeoutSeconds} s` : `${seconds(sq.value.ms)} s`}, writer p99 ${fixed(sq.writer.p99Ms, 2)} ms`);
    }

    const rs = await underWriter(paths.db, opts.rate, () => resticBackup(restic, paths.db, timeoutMs));
    if (rs.value.timedOut) throw new BackupError('transient', `restic backup did not finish in ${opts.peerTimeoutSeconds} s: raise --peer-timeout-s`);
    t.resticMs.push(rs.value.ms);
    t.resticP99Ms.push(rs.writer.p99Ms);
    log(`repeat ${i}: restic backup ${seconds(rs.value.ms)} s, writer p99 ${fixed(rs.writer.p99Ms, 2)} ms`);
  }
  return t;
}

async function measureGrowth(opts: BenchOptions, paths: Paths, repo: Repository, restic: ResticRepo, parentRef: { id: string }): Promise<GrowthFigures> {
  const g: GrowthFigures = { commits: [], oursBytes: [], oursPackBytes: [], resticBytes: [], resticDataAdded: [] };
  const timeoutMs = opts.peerTimeoutSeconds * 1000;
  // The "first snapshot" of the growth phase: both repositories hold the same, quiet database state.
  checkpoint(paths.db);
  parentRef.id = (await ourSnapshot(repo, paths.db, paths.ourTmp, parentRef.id)).result.snapshotId;
  await resticBackup(restic, paths.db, timeoutMs);
  for (let i = 1; i <= opts.repeats; i++) {
    const written = await commitTransactions(paths.db, opts.rate, opts.txs);
    g.commits.push(written.commits);

    const oursBefore = await dirSize(paths.ourRepo);
    const ours = await ourSnapshot(repo, paths.db, paths.ourTmp, parentRef.id);
    parentRef.id = ours.result.snapshotId;
    g.oursBytes.push((await dirSize(paths.ourRepo)) - oursBefore);
    g.oursPackBytes.push(ours.result.bytesAdded);

    const resticBefore = await dirSize(paths.resticRepo);
    const rs = await resticBackup(restic, paths.db, timeoutMs);
    g.resticBytes.push((await dirSize(paths.resticRepo)) - resticBefore);
    g.resticDataAdded.push(rs.dataAdded);
    log(`growth ${i}: ${written.commits} tx; ours +${megabytes(g.oursBytes.at(-1) ?? NaN)} MB, restic +${megabytes(g.resticBytes.at(-1) ?? NaN)} MB`);
  }
  return g;
}

async function main(): Promise<void> {
  const opts = parseBenchOptions(process.argv.slice(2));
  if (!opts) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  for (const tool of ['restic', 'sqlite3']) {
    if (!findTool(tool)) throw new BackupError('fatal', `'${tool}' is not installed (apt-get install -y ${tool}); the bench needs it as a peer`);
  }
  const paths = createPaths();
  // Removed on Ctrl-C too: a 1 GB run leaves several GB behind.
  const cleanup = () => {
    if (opts.keep) log(`kept ${paths.root}`);
    else rmSync(paths.root, { recursive: true, force: true });
  };
  process.once('SIGINT', () => {
    cleanup();
    process.exit(130);
  });
  try {
    await run(opts, paths);
  } finally {
    cleanup();
  }
}

async function run(opts: BenchOptions, paths: Paths): Promise<void> {
  log(`temporary folder ${paths.root}`);
  // Other work on the machine skews every figure (most of all on 2 cores): the load is printed with them.
  const loadAtStart = loadavg()[0] ?? Number.NaN;
  const generateStart = performance.now();
  const db = createTradingDb(paths.db, { accounts: 100, trades: 1000, targetBytes: opts.sizeMb * 1024 * 1024 });
  const generateMs = performance.now() - generateStart;
  log(`database: ${megabytes(db.sizeBytes)} MB, ${db.trades} trades, generated in ${seconds(generateMs)} s`);

  await mkdir(paths.ourTmp, { recursive: true });
  const repo = await createBenchRepository(paths.ourRepo, PASSWORD);
  const restic: ResticRepo = { path: paths.resticRepo, password: PASSWORD, cacheDir: paths.resticCache };
  await resticInit(restic);
  const resticFixedMs = await resticOpenMs(restic);

  // First snapshots with no writer: the full upload, reported but not the point of the bench.
  const firstOurs = await ourSnapshot(repo, paths.db, paths.ourTmp);
  const firstRestic = await resticBackup(restic, paths.db, opts.peerTimeoutSeconds * 1000);
  const initial = {
    oursMs: firstOurs.ms,
    resticMs: firstRestic.ms,
    oursRepoBytes: await dirSize(paths.ourRepo),
    resticRepoBytes: await dirSize(paths.resticRepo),
  };
  log(`first snapshot: ours ${seconds(initial.oursMs)} s (${megabytes(initial.oursRepoBytes)} MB), restic ${seconds(initial.resticMs)} s (${megabytes(initial.resticRepoBytes)} MB)`);

  const parentRef = { id: firstOurs.result.snapshotId };
  const timing = await measureTiming(opts, paths, repo, restic, parentRef);
  const growth = await measureGrowth(opts, paths, repo, restic, parentRef);

  const ourRepoCheck = opts.skipCheck ? 'skipped' : 'ok';
  if (!opts.skipCheck) {
    await resticCheck(paths.ourRepo, PASSWORD, paths.resticCache);
    log('restic check of our repository: ok');
  }

  const figures: BenchFigures = {
    database: { bytes: db.sizeBytes, trades: db.trades, generateMs },
    resticFixedMs,
    initial,
    timing,
    growth,
    ourRepoCheck,
    loadAverage: { start: loadAtStart, end: loadavg()[0] ?? Number.NaN },
  };
  process.stdout.write(`${formatReport(opts, figures)}\n${formatJson(opts, figures)}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`snapshot bench failed: ${describeError(err)}\n`);
  // A BackupError's message is meant for the user; anything else is a bug whose stack is wanted.
  if (!(err instanceof BackupError) && err instanceof Error && err.stack) process.stderr.write(`${err.stack}\n`);
  process.exitCode = 1;
});
