import { test } from 'node:test';
import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
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
