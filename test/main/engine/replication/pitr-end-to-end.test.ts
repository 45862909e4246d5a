/**
 * Issue 9's acceptance, end to end: a writer process commits about 1000
 * transactions a second (keeping the trading invariant) and logs each
 * commit's time; `quantai-backup replicate` ships the WAL; it is killed with
 * SIGKILL mid-run and restarted (it must resume without a gap or start a new
 * generation and say so); then restores at random times must pass
 * integrity_check and the invariant and hold exactly the commits up to that
 * time, judged by the writer's log:
 *   - every commit that returned before T - allowance is present;
 *   - no commit that began after T + slack is present.
 * The allowance is the replication interval plus twice the largest lag the
 * replicator measured (see maxLagMs); while the replicator was down it
 * stretches over the outage (a commit is timed when the replicator first sees
 * it). The test prints both, so a slow replicator shows as a large allowance.
 * The seed is printed; QB_PITR_SEED=<seed> replays the same restore times.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ChildProcess } from 'node:child_process';
import Database from 'better-sqlite3';
import { createEngine } from '../../../../main/engine/engine.ts';
import { parseJsonOutput, runCli, startCli } from '../../../support/cli.ts';
import { readCommitLog, startCommitLogWriter, type CommitLogEntry, type RunningCommitLogWriter } from '../../../support/commit-log-writer.ts';
import { tempDir } from '../../../support/temp-dir.ts';
import { checkInvariant, createTradingDb } from '../../../support/trading-db.ts';
import { mulberry32 } from '../../../support/seeded-random.ts';

const PASSWORD = 'pitr-end-to-end';
const INTERVAL_MS = 1000;
/** The writer's and the replicator's wall clocks are the same clock read by two processes. */
const SLACK_MS = 20;
/** SIGTERM ships what is committed, then exits; a replicator far behind the writer takes longer. */
const STOP_TIMEOUT_MS = 60_000;
const progress = (msg: string) => { if (process.env.QB_PITR_DEBUG) process.stderr.write(`${new Date().toISOString()} ${msg}\n`); };

interface Replicator {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<number | null>;
}

function startReplicator(env: { home: string; password: string }): Replicator {
  const child = startCli(['replicate', '--interval', String(INTERVAL_MS)], env);
  let out = '';
  let err = '';
  child.stdout?.on('data', (d) => (out += d));
  child.stderr?.on('data', (d) => (err += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, stdout: () => out, stderr: () => err, exited };
}

async function waitFor(what: string, ok: () => boolean, timeoutMs: number, replicator: Replicator): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!ok()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}; replicate said:\n${replicator.stdout()}${replicator.stderr()}`);
    await sleep(50);
  }
}

function walFiles(repo: string): string[] {
  const dir = join(repo, 'quantai', 'wal');
  return existsSync(dir) ? readdirSync(dir).filter((n) => !n.startsWith('.')) : [];
}

/**
 * The largest replication lag the replicator recorded (commit seen -> segment
 * durable; the catalog's replication_lag table). A commit is seen at the first
 * WAL read after it, which comes an interval after the previous read finished:
 * so a commit is timed at most interval + 2 x lag after it returned.
 */
function maxLagMs(home: string): number {
  const catalog = new Database(join(home, 'catalog.db'), { readonly: true, fileMustExist: true });
  try {
    return (catalog.prepare('SELECT coalesce(max(lag_ms), 0) FROM replication_lag').pluck().get() as number);
  } finally {
    catalog.close();
  }
}

/** What the restored database holds: trade ids 1..max with no hole (the writer never rolls back). */
function restoredTrades(path: string): number {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    const { n, max } = db.prepare('SELECT count(*) AS n, coalesce(max(id), 0) AS max FROM trades').get() as { n: number; max: number };
    assert.equal(n, max, `the restored trades have holes (${n} rows, max id ${max})`);
    return max;
  } finally {
    db.close();
  }
}

/** Checks one restore at T against the log; `outages` stretch the allowance while nothing was replicating. */
function judge(log: CommitLogEntry[], atMs: number, maxId: number, outages: { from: number; to: number }[], allowanceMs: number): { present: number; mustHave: number } {
  // From the restart on (o.to), commits made during the outage are in the new base or were seen at the restart.
  const downAt = outages.find((o) => atMs >= o.from && atMs < o.to);
  const haveBefore = Math.min(atMs, downAt ? downAt.from : atMs) - allowanceMs;
  const mustHave = log.filter((e) => e.returnedMs <= haveBefore).reduce((m, e) => Math.max(m, e.id), 0);
  const firstTooLate = log.find((e) => e.beganMs > atMs + SLACK_MS);
  assert.ok(maxId >= mustHave, `restore at ${new Date(atMs).toISOString()}: commit ${mustHave} returned by ${new Date(haveBefore).toISOString()} is missing (restored through ${maxId})`);
  if (firstTooLate) {
    assert.ok(maxId < firstTooLate.id, `restore at ${new Date(atMs).toISOString()}: holds commit ${firstTooLate.id}, which began at ${new Date(firstTooLate.beganMs).toISOString()}`);
  }
  return { present: maxId, mustHave };
}

test('restores at random times under a 1000 tx/s writer hold exactly the commits up to then, across a kill -9 of the replicator', { timeout: 170_000 }, async (t) => {
  const seed = Number(process.env.QB_PITR_SEED ?? Math.floor(Math.random() * 2 ** 31));
  t.diagnostic(`seed ${seed} (QB_PITR_SEED=${seed} replays the restore times)`);
  const random = mulberry32(seed);
  const dir = tempDir(t);
  const db = join(dir, 'trading.db');
  const repo = join(dir, 'repo');
  const home = join(dir, 'home');
  createTradingDb(db, { accounts: 20, trades: 2000 });
  // Initialised in-process with a fast KDF (the key file carries it), so each CLI run opens the repository quickly.
  const engine = createEngine({ home, kdf: { N: 1024, r: 8, p: 1 }, secrets: { repositoryPassword: async () => PASSWORD, secret: async () => null } });
  await engine.initialize({ repoPath: repo, dbPath: db });
  engine.close();
  const env = { home, password: PASSWORD };

  const logPath = join(dir, 'commits.log');
  const outages: { from: number; to: number }[] = [];
  let killedAt = 0;
  // The replicator starts first: its base image is taken before the writer's load begins.
  let first: Replicator | null = startReplicator(env);
  let second: Replicator | null = null;
  let writer: RunningCommitLogWriter | null = null;
  try {
    await waitFor('the first generation', () => /new generation/.test(first!.stdout()), 60_000, first);
    writer = await startCommitLogWriter(db, logPath, { rate: 1000 });
    await waitFor('the first segments', () => walFiles(repo).length >= 2, 60_000, first);
    await sleep(500 + random() * 1500);
    // Mid-copy: at 1000 tx/s the replicator is reading, encoding or storing at almost any moment.
    progress('kill -9');
    killedAt = Date.now();
    first.child.kill('SIGKILL');
    assert.equal(await first.exited, null, `the replicator was killed, not finished: ${first.stderr()}`);
    first = null;
    await sleep(300);
    second = startReplicator(env);
    await waitFor('the restarted replicator to say how it continues', () => /resuming generation|new generation/.test(second!.stdout()), 60_000, second);
    outages.push({ from: killedAt, to: Date.now() + INTERVAL_MS });
    t.diagnostic(`after kill -9: ${second.stdout().trim().split('\n').join(' | ')}`);
    const segmentsAtRestart = walFiles(repo).length;
    await waitFor('segments after the restart', () => walFiles(repo).length >= segmentsAtRestart + 3, 60_000, second);
    progress('shipping again');
  } finally {
    const stats = writer ? await (writer as RunningCommitLogWriter).stop() : null;
    if (stats) t.diagnostic(`writer: ${stats.commits} commits, p99 ${stats.p99Ms.toFixed(2)} ms, errors ${stats.errors}`);
    first?.child.kill('SIGKILL');
    if (second) {
      // SIGTERM ships everything committed, then exits 0.
      second.child.kill('SIGTERM');
      const code = await Promise.race([second.exited, sleep(STOP_TIMEOUT_MS).then(() => 'late' as const)]);
      if (code === 'late') second.child.kill('SIGKILL');
      assert.equal(code, 0, `replicate exits 0 within ${STOP_TIMEOUT_MS / 1000} s of SIGTERM (after its final sync): ${second.stderr()}`);
    }
    assert.equal(stats?.errors ?? 0, 0, 'the writer never saw SQLITE_BUSY or any other error');
  }

  progress('replication stopped');
  const log = readCommitLog(logPath);
  assert.ok(log.length > 2000, `the writer committed ${log.length} transactions`);
  const firstMs = log[0]!.returnedMs;
  const lastMs = log[log.length - 1]!.returnedMs;
  const allowanceMs = INTERVAL_MS + 2 * maxLagMs(home) + 500;
  t.diagnostic(`allowance ${allowanceMs.toFixed(0)} ms (interval ${INTERVAL_MS} ms + twice the largest measured lag + 500 ms)`);

  // The dry run names the plan without writing anything (a time in the first generation, just before the kill).
  const probeAt = new Date(killedAt).toISOString();
  progress('dry run');
  const dry = runCli(['restore', '--at', probeAt, '--dry-run', '--json', '--to', join(dir, 'never.db')], env);
  assert.equal(dry.code, 0, dry.stderr);
  const plan = parseJsonOutput<{ dryRun: boolean; plan: { commits: number; segments: number; reachedAt: string; baseSnapshotId: string } }>(dry).plan;
  assert.ok(plan.commits > 0 && plan.segments > 0, `the plan before the kill applies shipped commits: ${dry.stdout}`);
  assert.ok(Date.parse(plan.reachedAt) <= Date.parse(probeAt));
  assert.equal(existsSync(join(dir, 'never.db')), false);

  // Random times across the run (after the base), plus the very end: everything must be there.
  // The dry run's time first (the restore must reach what the plan said), a random time anywhere, one
  // while the restarted replicator was shipping (where the lower bound bites), then the end.
  const shippingFrom = Math.min(outages[0]!.to + allowanceMs, lastMs);
  const times = [killedAt, firstMs + random() * (lastMs - firstMs), shippingFrom + random() * (lastMs - shippingFrom)];
  // A commit is timed when the replicator sees it: the last ones, up to an interval after they returned.
  times.push(lastMs + allowanceMs);
  for (const [i, atMs] of times.entries()) {
    const to = join(dir, `restored-${i}.db`);
    progress(`restore ${i}`);
    const r = runCli(['restore', '--at', new Date(atMs).toISOString(), '--to', to, '--json'], env);
    assert.equal(r.code, 0, r.stderr);
    const out = parseJsonOutput<{ integrityCheck: string; plan: { reachedAt: string; commits: number } }>(r);
    assert.equal(out.integrityCheck, 'ok');
    if (i === 0) assert.deepEqual([out.plan.reachedAt, out.plan.commits], [plan.reachedAt, plan.commits], 'the restore reaches what its dry run planned');
    assert.deepEqual(checkInvariant(to).violations, [], `restore at ${new Date(atMs).toISOString()} breaks the invariant`);
    const { present, mustHave } = judge(log, atMs, restoredTrades(to), outages, allowanceMs);
    t.diagnostic(`at ${new Date(atMs).toISOString()}: trades through ${present} (at least ${mustHave} required), state of ${out.plan.reachedAt}`);
  }
  assert.equal(restoredTrades(join(dir, `restored-${times.length - 1}.db`)), log[log.length - 1]!.id, 'a restore after the last commit holds every commit');
});
