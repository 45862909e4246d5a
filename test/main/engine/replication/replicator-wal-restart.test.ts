import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import Database from 'better-sqlite3';
import { LocalBackend } from '../../../../main/engine/backends/local-backend.ts';
import { Repository } from '../../../../main/engine/repo/repository.ts';
import { runReplicator, type ReplicationEvent } from '../../../../main/engine/replication/replicator.ts';
import { streamLogger } from '../../../../main/engine/logger.ts';
import { tempDir } from '../../../support/temp-dir.ts';
import { requireTool } from '../../../support/tools.ts';
import { checkInvariant, createTradingDb } from '../../../support/trading-db.ts';
import { startTradingWriter } from '../../../support/trading-writer.ts';
import { rebuildLatestGeneration } from '../../../support/replica-rebuild.ts';

const MIB = 1024 * 1024;

function walSize(dbPath: string): number {
  try {
    return statSync(`${dbPath}-wal`).size;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    throw err;
  }
}

test('under a steady 1000 tx/s writer our checkpoints let the WAL restart: the file stays bounded and one generation continues', { timeout: 90_000 }, async (t) => {
  requireTool(t, 'sqlite3');
  const dir = tempDir(t);
  const dbPath = join(dir, 'trading.db');
  createTradingDb(dbPath, { accounts: 50, trades: 2000 });
  const repo = await Repository.init(new LocalBackend(join(dir, 'repo')), 'wal-restart-test', { kdf: { N: 1024, r: 8, p: 1 } });
  const events: ReplicationEvent[] = [];
  const logs: string[] = [];
  const controller = new AbortController();
  const running = runReplicator({
    repo, dbPath, tmpDir: join(dir, 'tmp'), intervalMs: 250, checkpointBytes: 2 * MIB, now: () => new Date(),
    logger: streamLogger((l) => logs.push(l), 'info'), signal: controller.signal, onEvent: (e) => events.push(e), maintenanceEveryMs: 0,
  });
  while (!events.some((e) => e.type === 'generation-started')) await sleep(50);

  const writer = await startTradingWriter(dbPath, 1000);
  let walMax = 0;
  const until = Date.now() + 6000;
  while (Date.now() < until) {
    walMax = Math.max(walMax, walSize(dbPath));
    await sleep(20);
  }
  const stats = await writer.stop();
  controller.abort();
  const summary = await running;

  const restarts = events.filter((e) => e.type === 'wal-restarted').length;
  const outcomes = events.flatMap((e) => (e.type === 'checkpoint' ? [e.outcome] : []));
  t.diagnostic(`writer ${stats.commits} commits (p99 ${stats.p99Ms.toFixed(2)} ms, ${stats.errors} errors); WAL file at most ${(walMax / MIB).toFixed(1)} MiB; `
    + `${restarts} restarts continued; checkpoints: ${outcomes.join(',')}`);
  for (const line of logs.filter((l) => /WARN|ERROR/.test(l))) t.diagnostic(line.trim());

  assert.equal(stats.errors, 0, 'the writer never saw SQLITE_BUSY');
  // Without restarts the WAL holds every frame of the run (~24 KiB a transaction: well over 100 MiB here).
  const unbounded = stats.commits * 20 * 1024;
  assert.ok(walMax < Math.min(48 * MIB, unbounded / 2), `the WAL file stayed bounded (${(walMax / MIB).toFixed(1)} MiB for ${stats.commits} commits)`);
  assert.ok(restarts >= 2, `the generation continued across WAL restarts (${restarts})`);
  assert.equal(summary.generationsStarted, 1, 'no new generation was needed');
  const rebuilt = join(dir, 'rebuilt.db');
  const report = await rebuildLatestGeneration(repo, dbPath, rebuilt);
  assert.equal(report.lastSeq, summary.frameSeq);
  assert.deepEqual(checkInvariant(rebuilt).violations, []);
  assert.deepEqual(checkInvariant(rebuilt).counts, checkInvariant(dbPath).counts, 'the replica holds every committed trade');
});

/** Commits `n` trades on a connection of the test's own (the trading writer's transaction, keeping the invariant). */
function commitTrades(dbPath: string, n: number): void {
  const db = new Database(dbPath, { fileMustExist: true, timeout: 5000 });
  try {
    const trade = db.transaction((i: number) => {
      const { lastInsertRowid } = db
        .prepare("INSERT INTO trades (account_id, symbol, quantity, price, ts, memo) VALUES (1, 'SPY', ?, 100, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), randomblob(64))")
        .run(1 + (i % 7));
      db.prepare("INSERT INTO audit_trail (trade_id, action, at) VALUES (?, 'fill', strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))").run(lastInsertRowid);
      db.prepare(`INSERT INTO positions (account_id, symbol, quantity) VALUES (1, 'SPY', ?)
                  ON CONFLICT (account_id, symbol) DO UPDATE SET quantity = quantity + excluded.quantity`).run(1 + (i % 7));
      db.prepare('UPDATE accounts SET balance = balance - ? WHERE id = 1').run((1 + (i % 7)) * 100);
    });
    for (let i = 0; i < n; i++) trade(i);
  } finally {
    db.close();
  }
}

function checkpoint(dbPath: string, mode: 'PASSIVE' | 'TRUNCATE'): { busy: number; log: number; checkpointed: number } {
  const db = new Database(dbPath, { fileMustExist: true, timeout: 5000 });
  try {
    return (db.pragma(`wal_checkpoint(${mode})`) as { busy: number; log: number; checkpointed: number }[])[0]!;
  } finally {
    db.close();
  }
}

/** Runs the replicator until it shipped what is committed now, then stops it (its final sync ships the rest). */
async function replicateOnce(repo: Repository, dbPath: string, dir: string): Promise<{ events: ReplicationEvent[]; summary: Awaited<ReturnType<typeof runReplicator>> }> {
  const events: ReplicationEvent[] = [];
  const controller = new AbortController();
  const running = runReplicator({
    repo, dbPath, tmpDir: join(dir, 'tmp'), intervalMs: 50, checkpointBytes: 256 * MIB, now: () => new Date(),
    logger: streamLogger(() => undefined, 'info'), signal: controller.signal, onEvent: (e) => events.push(e), maintenanceEveryMs: 0,
  });
  while (events.filter((e) => e.type === 'tick').length < 2) await sleep(20);
  controller.abort();
  return { events, summary: await running };
}

/**
 * A WAL file that once held a long WAL (so the old frames of a later, shorter one end at a frame of
 * another WAL, not at the end of the file), then a generation whose WAL is shipped and stopped.
 */
async function stoppedGeneration(t: TestContext): Promise<{ dir: string; dbPath: string; repo: Repository; first: string }> {
  const dir = tempDir(t);
  const dbPath = join(dir, 'trading.db');
  createTradingDb(dbPath, { accounts: 5, trades: 100 });
  commitTrades(dbPath, 150); // a long WAL (about 6 pages a trade, under the 1000-page auto-checkpoint)
  checkpoint(dbPath, 'PASSIVE');
  const repo = await Repository.init(new LocalBackend(join(dir, 'repo')), 'wal-restart-test', { kdf: { N: 1024, r: 8, p: 1 } });
  const started = await replicateOnce(repo, dbPath, dir);
  assert.equal(started.summary.generationsStarted, 1);
  commitTrades(dbPath, 20); // the generation's WAL: restarts the file from the top, far shorter than the long one
  const shipped = await replicateOnce(repo, dbPath, dir);
  assert.equal(shipped.summary.generationsStarted, 0, 'the second run resumed');
  return { dir, dbPath, repo, first: started.summary.generation };
}

test('kill -9 or a stop, then one WAL restart while no replicator runs: the next run proves nothing was lost and continues the generation', { timeout: 60_000 }, async (t) => {
  requireTool(t, 'sqlite3');
  const { dir, dbPath, repo, first } = await stoppedGeneration(t);
  // While stopped: a complete checkpoint, and commits that restart the WAL (once) and write fewer frames than it had.
  const ck = checkpoint(dbPath, 'PASSIVE');
  assert.equal(ck.checkpointed, ck.log, 'the checkpoint copied the whole WAL');
  commitTrades(dbPath, 3);
  const resumed = await replicateOnce(repo, dbPath, dir);
  const restart = resumed.events.find((e) => e.type === 'wal-restarted');
  t.diagnostic(JSON.stringify(restart ?? resumed.events.find((e) => e.type === 'generation-started')));
  assert.equal(resumed.summary.generationsStarted, 0, 'no new generation');
  assert.equal(resumed.summary.generation, first);
  assert.ok(restart, 'the restart is reported');
  const rebuilt = join(dir, 'rebuilt.db');
  await rebuildLatestGeneration(repo, dbPath, rebuilt);
  assert.deepEqual(checkInvariant(rebuilt).violations, []);
  assert.deepEqual(checkInvariant(rebuilt).counts, checkInvariant(dbPath).counts, 'the replica holds every committed trade');
});

test('a TRUNCATE checkpoint while no replicator ran: the lost position cannot be proven, so a new generation starts and says why', { timeout: 60_000 }, async (t) => {
  requireTool(t, 'sqlite3');
  const { dir, dbPath, repo, first } = await stoppedGeneration(t);
  checkpoint(dbPath, 'TRUNCATE');
  commitTrades(dbPath, 3);
  const next = await replicateOnce(repo, dbPath, dir);
  const started = next.events.find((e) => e.type === 'generation-started');
  t.diagnostic(JSON.stringify(started));
  assert.equal(next.summary.generationsStarted, 1);
  assert.notEqual(next.summary.generation, first);
  assert.ok(started?.type === 'generation-started' && /no longer in the file/.test(started.reason), 'the reason names the missing frame');
});
