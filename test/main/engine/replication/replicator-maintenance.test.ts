import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { LocalBackend } from '../../../../main/engine/backends/local-backend.ts';
import { Repository } from '../../../../main/engine/repo/repository.ts';
import { runReplicator, type ReplicationEvent } from '../../../../main/engine/replication/replicator.ts';
import { listSegments } from '../../../../main/engine/replication/pitr-source.ts';
import { streamLogger } from '../../../../main/engine/logger.ts';
import { tempDir } from '../../../support/temp-dir.ts';
import { requireTool } from '../../../support/tools.ts';
import { checkInvariant, createTradingDb } from '../../../support/trading-db.ts';
import { startTradingWriter } from '../../../support/trading-writer.ts';
import { rebuildLatestGeneration } from '../../../support/replica-rebuild.ts';

const PASSWORD = 'replication-maintenance-test';
const FAST_KDF = { N: 1024, r: 8, p: 1 };
const HOUR = 3_600_000;

/** Resolves with the first event that matches, failing after `ms` of real time. */
function waitFor(events: ReplicationEvent[], match: (e: ReplicationEvent) => boolean, what: string, ms = 30_000): Promise<ReplicationEvent> {
  const deadline = Date.now() + ms;
  return (async () => {
    for (;;) {
      const hit = events.find(match);
      if (hit) return hit;
      if (Date.now() > deadline) throw new Error(`no ${what} within ${ms} ms; events: ${events.map((e) => e.type).join(',')}`);
      await sleep(25);
    }
  })();
}

test('housekeeping in idle time: a generation older than a day is rebased, then retention drops the old one', { timeout: 90_000 }, async (t) => {
  requireTool(t, 'sqlite3');
  const dir = tempDir(t);
  const dbPath = join(dir, 'trading.db');
  createTradingDb(dbPath, { accounts: 20, trades: 300 });
  const repo = await Repository.init(new LocalBackend(join(dir, 'repo')), PASSWORD, { kdf: FAST_KDF });

  // An injected clock the test moves forward by hours; shipping itself runs in real time.
  let offsetMs = 0;
  const now = () => new Date(Date.now() + offsetMs);
  const events: ReplicationEvent[] = [];
  const logs: string[] = [];
  const controller = new AbortController();
  const writer = await startTradingWriter(dbPath, 100);
  const running = runReplicator({
    repo, dbPath, tmpDir: join(dir, 'tmp'), intervalMs: 100, checkpointBytes: 1024 * 1024, now,
    logger: streamLogger((l) => logs.push(l), 'info'), signal: controller.signal, onEvent: (e) => events.push(e),
    maintenanceEveryMs: 10 * 60_000, windowMs: HOUR,
  });
  try {
    const first = await waitFor(events, (e) => e.type === 'generation-started', 'first generation');
    await waitFor(events, (e) => e.type === 'segment-shipped', 'a shipped segment');
    assert.equal(events.filter((e) => e.type === 'maintained').length, 0, 'no housekeeping before its interval');

    // A day later: the next housekeeping finds the base too old and a new generation starts.
    offsetMs += 25 * HOUR;
    const second = await waitFor(events, (e) => e.type === 'generation-started' && e !== first, 'the daily new generation');
    assert.ok(second.type === 'generation-started' && /older than 24 h/.test(second.reason), `the reason names the age: ${JSON.stringify(second)}`);
    const firstGeneration = first.type === 'generation-started' ? first.generation : '';
    const secondGeneration = second.type === 'generation-started' ? second.generation : '';
    await waitFor(events, (e) => e.type === 'segment-shipped' && e.generation === secondGeneration, 'a segment of the new generation');
    assert.ok((await listSegments(repo)).some((s) => s.generation === firstGeneration), 'the old generation is still needed inside the window');

    // Past the new base plus the 1 h window: the old generation is no longer needed and retention drops it.
    // (Until now the old base served the window's first moment, so no housekeeping could have dropped it.)
    offsetMs += 2 * HOUR;
    const dropped = await waitFor(events, (e) => e.type === 'maintained' && e.droppedGenerations.includes(firstGeneration), 'retention of the old generation');
    assert.ok(dropped.type === 'maintained' && dropped.removedSegments > 0);
    const left = await listSegments(repo);
    assert.equal(left.filter((s) => s.generation === firstGeneration).length, 0, 'no segment of the old generation is left');
    assert.ok(left.some((s) => s.generation === secondGeneration), 'the current generation keeps its segments');
  } finally {
    await writer.stop();
    controller.abort();
  }
  const summary = await running;
  for (const line of logs.filter((l) => /WARN|ERROR/.test(l))) t.diagnostic(line.trim());
  assert.equal(summary.generationsStarted, 2, 'one base at the start, one daily rebase');

  // The current generation still rebuilds to the live database.
  const rebuilt = join(dir, 'rebuilt.db');
  const report = await rebuildLatestGeneration(repo, dbPath, rebuilt);
  assert.equal(report.lastSeq, summary.frameSeq);
  assert.deepEqual(checkInvariant(rebuilt).violations, []);
  assert.equal(checkInvariant(rebuilt).counts.trades, checkInvariant(dbPath).counts.trades, 'the replica holds every trade the writer committed');
});

test('housekeeping can be switched off: no maintenance and no rebase however old the generation', { timeout: 60_000 }, async (t) => {
  requireTool(t, 'sqlite3');
  const dir = tempDir(t);
  const dbPath = join(dir, 'trading.db');
  createTradingDb(dbPath, { accounts: 5, trades: 50 });
  const repo = await Repository.init(new LocalBackend(join(dir, 'repo')), PASSWORD, { kdf: FAST_KDF });
  let offsetMs = 0;
  const events: ReplicationEvent[] = [];
  const controller = new AbortController();
  const running = runReplicator({
    repo, dbPath, tmpDir: join(dir, 'tmp'), intervalMs: 50, checkpointBytes: 1024 * 1024, now: () => new Date(Date.now() + offsetMs),
    logger: streamLogger(() => undefined, 'info'), signal: controller.signal, onEvent: (e) => events.push(e), maintenanceEveryMs: 0,
  });
  await waitFor(events, (e) => e.type === 'generation-started', 'first generation');
  offsetMs += 48 * HOUR;
  const ticks = events.filter((e) => e.type === 'tick').length;
  await waitFor(events, (e) => e.type === 'tick' && events.filter((x) => x.type === 'tick').indexOf(e) >= ticks + 5, 'five more ticks');
  controller.abort();
  const summary = await running;
  assert.equal(events.filter((e) => e.type === 'maintained').length, 0);
  assert.equal(summary.generationsStarted, 1);
});
