import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import Database from 'better-sqlite3';
import { LocalBackend } from '../../../../main/engine/backends/local-backend.ts';
import { Repository } from '../../../../main/engine/repo/repository.ts';
import { runReplicator, type ReplicationEvent, type ReplicationSummary } from '../../../../main/engine/replication/replicator.ts';
import { streamLogger } from '../../../../main/engine/logger.ts';
import { tempDir } from '../../../support/temp-dir.ts';
import { requireTool } from '../../../support/tools.ts';
import { resticOk } from '../../../support/restic.ts';
import { checkInvariant, createTradingDb } from '../../../support/trading-db.ts';
import { startTradingWriter } from '../../../support/trading-writer.ts';
import { rebuildLatestGeneration } from '../../../support/replica-rebuild.ts';
import { startCheckpointer } from '../../../support/wal-checkpointer.ts';

const PASSWORD = 'replication-test';
const FAST_KDF = { N: 1024, r: 8, p: 1 };

function integrity(path: string): string {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    return String(db.pragma('integrity_check', { simple: true }));
  } finally {
    db.close();
  }
}

test('shipping under a 1000 tx/s writer: segments applied to the base give the live database', { timeout: 120_000 }, async (t) => {
  requireTool(t, 'restic');
  const dir = tempDir(t);
  const dbPath = join(dir, 'trading.db');
  createTradingDb(dbPath, { accounts: 50, trades: 2000 });
  const repoPath = join(dir, 'repo');
  const repo = await Repository.init(new LocalBackend(repoPath), PASSWORD, { kdf: FAST_KDF });

  const alone = await startTradingWriter(dbPath, 1000);
  await sleep(2500);
  const without = await alone.stop();

  const controller = new AbortController();
  const events: ReplicationEvent[] = [];
  const logs: string[] = [];
  let generationStarted: () => void = () => undefined;
  const started = new Promise<void>((resolve) => (generationStarted = resolve));
  const running: Promise<ReplicationSummary> = runReplicator({
    repo, dbPath, tmpDir: join(dir, 'tmp'), intervalMs: 200,
    // Small, so our checkpoints (and WAL restarts around them) happen many times in the run.
    checkpointBytes: 4 * 1024 * 1024,
    now: () => new Date(), logger: streamLogger((l) => logs.push(l), 'info'), signal: controller.signal,
    onEvent: (e) => {
      events.push(e);
      if (e.type === 'generation-started') generationStarted();
    },
  });
  await Promise.race([started, running]);
  // The writer runs against steady-state shipping, so its latency compares with the run without replication.
  const writer = await startTradingWriter(dbPath, 1000);
  await sleep(6000);
  const withReplication = await writer.stop();
  controller.abort();
  const summary = await running.catch((err: unknown) => {
    for (const line of logs) t.diagnostic(line.trim());
    throw err;
  });

  t.diagnostic(`writer p99 without replication ${without.p99Ms.toFixed(2)} ms (${without.commits} commits), `
    + `with ${withReplication.p99Ms.toFixed(2)} ms (${withReplication.commits} commits); max ${without.maxMs.toFixed(1)} / ${withReplication.maxMs.toFixed(1)} ms`);
  const lags = events.flatMap((e) => (e.type === 'segment-shipped' ? e.lagMs : []));
  const checkpoints = events.filter((e) => e.type === 'checkpoint').length;
  const restarts = events.filter((e) => e.type === 'wal-restarted').length;
  t.diagnostic(`${summary.segments} segments, ${summary.commits} commits, ${checkpoints} checkpoints, ${restarts} WAL restarts continued, `
    + `${summary.generationsStarted} generation(s); lag max ${Math.max(...lags)} ms`);
  for (const line of logs.filter((l) => /WARN|ERROR/.test(l))) t.diagnostic(line.trim());

  assert.equal(withReplication.errors, 0, 'the writer never saw SQLITE_BUSY');
  assert.ok(summary.commits > 0 && checkpoints > 0, 'commits were shipped and our checkpoints ran');
  // Under a starved CPU the new WAL can overwrite old frames before they are read; then a new generation is right.
  assert.ok(logs.filter((l) => /WARN .*needs a new generation/.test(l)).length >= summary.generationsStarted, 'every generation says why');

  const rebuilt = join(dir, 'rebuilt.db');
  const report = await rebuildLatestGeneration(repo, dbPath, rebuilt);
  assert.equal(report.lastSeq, summary.frameSeq);
  assert.equal(integrity(rebuilt), 'ok');
  const invariant = checkInvariant(rebuilt);
  assert.deepEqual(invariant.violations, []);
  assert.equal(checkInvariant(rebuilt).counts.trades, checkInvariant(dbPath).counts.trades, 'the replica holds every trade the writer committed');
  assert.deepEqual(checkInvariant(rebuilt).counts, checkInvariant(dbPath).counts);

  // restic still checks the repository (it ignores quantai/wal/) and restores the base like any snapshot.
  resticOk(repoPath, PASSWORD, ['check', '--read-data']);
});

test('a writer running its own TRUNCATE checkpoints: the replica still ends equal to the database, and every new generation says why', { timeout: 120_000 }, async (t) => {
  const dir = tempDir(t);
  const dbPath = join(dir, 'trading.db');
  createTradingDb(dbPath, { accounts: 20, trades: 500 });
  const repo = await Repository.init(new LocalBackend(join(dir, 'repo')), PASSWORD, { kdf: FAST_KDF });
  const controller = new AbortController();
  const events: ReplicationEvent[] = [];
  const logs: string[] = [];
  const running = runReplicator({
    repo, dbPath, tmpDir: join(dir, 'tmp'), intervalMs: 200, checkpointBytes: 4 * 1024 * 1024,
    now: () => new Date(), logger: streamLogger((l) => logs.push(l), 'info'), signal: controller.signal, onEvent: (e) => events.push(e),
  });
  while (!events.some((e) => e.type === 'generation-started')) await sleep(50);
  const writer = await startTradingWriter(dbPath, 1000);
  const checkpointer = await startCheckpointer(dbPath, 'TRUNCATE', 300);
  await sleep(6000);
  const ck = await checkpointer.stop();
  const stats = await writer.stop();
  controller.abort();
  const summary = await running.catch((err: unknown) => {
    for (const line of logs) t.diagnostic(line.trim());
    throw err;
  });
  const generations = events.filter((e) => e.type === 'generation-started');
  t.diagnostic(`writer: ${stats.commits} commits, p99 ${stats.p99Ms.toFixed(2)} ms, errors ${stats.errors}; TRUNCATE checkpoints: ${ck.runs} run, ${ck.busy} busy, ${ck.completed} complete`);
  t.diagnostic(`${generations.length} generation(s), ${events.filter((e) => e.type === 'wal-restarted').length} restarts continued`);
  for (const e of generations) if (e.type === 'generation-started') t.diagnostic(`generation ${e.generation}: ${e.reason}`);

  // Not asserted: a TRUNCATE in another process waits for our read transaction while holding the write lock,
  // so the writer can stall up to its busy timeout (see docs/format.md, "Real-time replication").
  assert.ok(summary.commits > 0);
  // Every generation after the first names its reason in the log, as a WARN line.
  assert.ok(logs.filter((l) => /WARN .*needs a new generation/.test(l)).length >= generations.length);
  const rebuilt = join(dir, 'rebuilt.db');
  await rebuildLatestGeneration(repo, dbPath, rebuilt);
  assert.equal(integrity(rebuilt), 'ok');
  assert.deepEqual(checkInvariant(rebuilt).violations, []);
  assert.deepEqual(checkInvariant(rebuilt).counts, checkInvariant(dbPath).counts, 'the replica holds every committed trade');
});
