/**
 * Retention bench: repository size after a simulated period (90 days by
 * default) of 15-minute snapshots of a trading database thinned by the
 * tier-1 policy and pruned, beside restic's own repository for the same
 * history (restic backup of the same database states, restic forget with the
 * equivalent --keep-within-*, restic prune). Prints both sizes and the ratio.
 *
 * Scaled down so it runs in minutes: the database changes at every 15-minute
 * step (--txs trades each), but by default both tools snapshot only the
 * instants the policy keeps at the end (a snapshot forgotten later leaves
 * nothing behind after a prune: its chunks are either in a kept snapshot or
 * removed). --every-instant snapshots every step and really forgets and
 * prunes (slow). Run with --help for the options.
 */
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import { pruneRepository } from '../main/engine/retention/prune.ts';
import { snapshotDatabase } from '../main/engine/sources/sqlite/database-snapshot.ts';
import { formatDate } from '../main/engine/util/rfc3339.ts';
import { createTradingDb, SYMBOLS } from '../test/support/trading-db.ts';
import { dirSize } from './lib/dir-size.ts';
import { createBenchRepository } from './lib/our-snapshot.ts';
import { instants, keptInstants, resticForgetFlags, TIER1_POLICY, type TimelinePolicy } from './lib/retention-timeline.ts';
import { resticCheck, resticInit, type ResticRepo } from './lib/restic-peer.ts';
import { runToolOk } from './lib/run-tool.ts';
import { ratio } from './lib/stats.ts';
import { formatTable, megabytes, times } from './lib/table.ts';
import { checkpoint } from './lib/writer-control.ts';

const USAGE = `usage: npm run bench:retention -- [options]
  --size-mb N        initial database size in MiB (default 16)
  --days N           simulated period (default 90)
  --txs N            trades per 15-minute step (default 100)
  --all-hours N      keep every snapshot this many hours (default 48)
  --hourly-days N    keep the last of each hour this many days (default 30)
  --daily-days N     keep the last of each day this many days (default 365)
  --monthly-years N  keep the last of each month this many years (default 7)
  --every-instant    snapshot every step, then forget and prune for real (slow)
  --skip-check       skip restic check of our repository
  --keep             keep the temporary folder
quick run: --days 14 --all-hours 6 --hourly-days 2`;

const INTERVAL_MINUTES = 15;
const PASSWORD = 'bench-password';

function options() {
  const { values } = parseArgs({
    options: {
      'size-mb': { type: 'string', default: '16' }, days: { type: 'string', default: '90' }, txs: { type: 'string', default: '100' },
      'all-hours': { type: 'string', default: String(TIER1_POLICY.allHours) }, 'hourly-days': { type: 'string', default: String(TIER1_POLICY.hourlyDays) },
      'daily-days': { type: 'string', default: String(TIER1_POLICY.dailyDays) }, 'monthly-years': { type: 'string', default: String(TIER1_POLICY.monthlyYears) },
      'every-instant': { type: 'boolean', default: false }, 'skip-check': { type: 'boolean', default: false },
      keep: { type: 'boolean', default: false }, help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
  const num = (name: keyof typeof values): number => {
    const n = Number(values[name]);
    if (!Number.isFinite(n) || n <= 0) throw new Error(`--${name} must be a positive number, got ${JSON.stringify(values[name])}`);
    return n;
  };
  if (values.help) return null;
  const policy: TimelinePolicy = { allHours: num('all-hours'), hourlyDays: num('hourly-days'), dailyDays: num('daily-days'), monthlyYears: num('monthly-years') };
  return { sizeMb: num('size-mb'), days: num('days'), txs: Math.round(num('txs')), policy, everyInstant: values['every-instant'], skipCheck: values['skip-check'], keep: values.keep };
}

/** How many pack files a repository holds (every snapshot flushes its own small ones until a prune consolidates them). */
function packFiles(repoPath: string): number {
  return readdirSync(join(repoPath, 'data'), { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).length;
}

/** Trades as the trading writer makes them (a trade, its audit row, the position and the balance), stamped with the simulated time. */
function tradeMaker(dbPath: string) {
  const db = new Database(dbPath, { fileMustExist: true });
  const accounts = db.prepare('SELECT count(*) FROM accounts').pluck().get() as number;
  const insertTrade = db.prepare('INSERT INTO trades (account_id, symbol, quantity, price, ts, memo) VALUES (?, ?, ?, ?, ?, randomblob(64))');
  const insertAudit = db.prepare("INSERT INTO audit_trail (trade_id, action, at) VALUES (?, 'fill', ?)");
  const upsertPosition = db.prepare(`INSERT INTO positions (account_id, symbol, quantity) VALUES (?, ?, ?)
     ON CONFLICT (account_id, symbol) DO UPDATE SET quantity = quantity + excluded.quantity`);
  const updateBalance = db.prepare('UPDATE accounts SET balance = balance - ? WHERE id = ?');
  const step = db.transaction((count: number, at: string) => {
    for (let i = 0; i < count; i++) {
      const account = 1 + Math.floor(Math.random() * accounts);
      const symbol = SYMBOLS[Math.floor(Math.random() * SYMBOLS.length)] ?? 'SPY';
      const qty = (Math.floor(Math.random() * 100) + 1) * (Math.random() < 0.5 ? -1 : 1);
      const price = 100 + Math.random() * 50;
      const { lastInsertRowid } = insertTrade.run(account, symbol, qty, price, at);
      insertAudit.run(lastInsertRowid, at);
      upsertPosition.run(account, symbol, qty);
      updateBalance.run(qty * price, account);
    }
  });
  return { step, close: () => db.close() };
}

async function main(): Promise<void> {
  const opts = options();
  if (!opts) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const root = mkdtempSync(join(tmpdir(), 'qb-retention-bench-'));
  const cleanup = () => {
    if (!opts.keep) rmSync(root, { recursive: true, force: true });
  };
  process.once('SIGINT', () => {
    cleanup();
    process.exit(130);
  });
  try {
    const dbPath = join(root, 'trading.db');
    const tmp = join(root, 'tmp');
    mkdirSync(tmp);
    createTradingDb(dbPath, { accounts: 200, trades: 1000, targetBytes: opts.sizeMb * 1024 * 1024 });
    const ourPath = join(root, 'ours');
    const repo = await createBenchRepository(ourPath, PASSWORD);
    const peer: ResticRepo = { path: join(root, 'restic'), password: PASSWORD, cacheDir: join(root, 'restic-cache') };
    await resticInit(peer);
    const resticEnv = { RESTIC_PASSWORD: PASSWORD, RESTIC_PROGRESS_FPS: '0.01' };
    const restic = (args: string[]) => runToolOk('restic', ['-r', peer.path, '--cache-dir', peer.cacheDir, ...args], { env: resticEnv, timeoutMs: 3_600_000 });

    const timeline = instants(new Date('2026-01-01T00:00:00Z'), opts.days, INTERVAL_MINUTES);
    const kept = keptInstants(timeline, opts.policy);
    const toTake = opts.everyInstant ? timeline.length : kept.size;
    process.stderr.write(`${timeline.length} instants over ${opts.days} days; the policy keeps ${kept.size}; snapshotting ${toTake}\n`);
    const trades = tradeMaker(dbPath);
    const ourIds = new Map<number, string>();
    let parent: string | undefined;
    let ourMs = 0;
    let resticMs = 0;
    let taken = 0;
    for (let i = 0; i < timeline.length; i++) {
      const at = timeline[i]!;
      if (i > 0) trades.step(opts.txs, at.toISOString());
      if (!opts.everyInstant && !kept.has(i)) continue;
      checkpoint(dbPath); // restic reads only the database file: fold the WAL in first, for both
      const t0 = performance.now();
      const ours = await snapshotDatabase(repo, { dbPath, tmpDir: tmp, hostname: 'bench', now: () => at, ...(parent ? { parent } : {}) });
      ourMs += performance.now() - t0;
      parent = ours.snapshotId;
      ourIds.set(i, ours.snapshotId);
      const r = await restic(['backup', '--host', 'bench', '--time', formatDate(at).slice(0, 19).replace('T', ' '), dbPath]);
      resticMs += r.ms;
      if (++taken % 50 === 0) process.stderr.write(`  ${taken}/${toTake} snapshots; ours ${megabytes(await dirSize(ourPath))}, restic ${megabytes(await dirSize(peer.path))}\n`);
    }
    trades.close();

    // Forget by the policy on both sides, then prune both.
    const forgetIds = [...ourIds].filter(([i]) => !kept.has(i)).map(([, id]) => id);
    if (forgetIds.length > 0) {
      const lock = await repo.lock({ exclusive: true });
      try {
        for (const id of forgetIds) await repo.backend.remove({ type: 'snapshot', name: id });
      } finally {
        await lock.release();
      }
    }
    const ourPacksBefore = packFiles(ourPath);
    const p0 = performance.now();
    const pruned = await pruneRepository(repo);
    const ourPruneMs = performance.now() - p0;
    const forget = await restic(['forget', '--host', 'bench', ...resticForgetFlags(opts.policy), '--prune']);
    const resticKept = JSON.parse((await restic(['snapshots', '--json'])).stdout) as unknown[];
    if (!opts.skipCheck) await resticCheck(ourPath, PASSWORD, peer.cacheDir);

    const ourBytes = await dirSize(ourPath);
    const resticBytes = await dirSize(peer.path);
    const dbBytes = statSync(dbPath).size;
    const rows = [
      ['snapshots kept', String(ourIds.size - forgetIds.length), String(resticKept.length), ''],
      ['repository size (MB)', megabytes(ourBytes), megabytes(resticBytes), times(ratio(ourBytes, resticBytes))],
      ['snapshot time (total)', `${(ourMs / 1000).toFixed(1)} s`, `${(resticMs / 1000).toFixed(1)} s`, times(ratio(ourMs, resticMs))],
      ['forget + prune', `${(ourPruneMs / 1000).toFixed(1)} s`, `${(forget.ms / 1000).toFixed(1)} s`, times(ratio(ourPruneMs, forget.ms))],
      ['pack files', String(packFiles(ourPath)), String(packFiles(peer.path)), times(ratio(packFiles(ourPath), packFiles(peer.path)))],
    ];
    process.stdout.write(`\nretention bench: ${opts.days} days of ${INTERVAL_MINUTES}-minute snapshots, ${opts.txs} trades per step, `
      + `database now ${megabytes(dbBytes)}; policy: all ${opts.policy.allHours} h, hourly ${opts.policy.hourlyDays} d, daily ${opts.policy.dailyDays} d, monthly ${opts.policy.monthlyYears} y\n\n`);
    process.stdout.write(`${formatTable(['', 'ours', 'restic', 'ours/restic'], rows)}\n`);
    process.stdout.write(`\nour prune: ${pruned.packsDeleted} pack(s) deleted, ${pruned.packsRepacked} repacked (${pruned.smallPacksRepacked} small ones consolidated) `
      + `into ${pruned.packsWritten}, ${megabytes(pruned.bytesFreed)} freed; pack files ${ourPacksBefore} -> ${packFiles(ourPath)}\n`);
    process.stdout.write(`${JSON.stringify({ bench: 'retention', ...opts, instants: timeline.length, kept: kept.size, ourBytes, resticBytes, ratio: ratio(ourBytes, resticBytes), ourMs, resticMs, ourPruneMs, resticForgetPruneMs: forget.ms, dbBytes, ourPacksBefore, ourPacks: packFiles(ourPath), resticPacks: packFiles(peer.path), prune: pruned })}\n`);
  } finally {
    cleanup();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`retention bench: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
