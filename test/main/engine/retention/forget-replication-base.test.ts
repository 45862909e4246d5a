/**
 * forget keeps the base snapshot of a replication generation still inside the
 * point-in-time window, even where the retention policy alone would drop it,
 * and `restore --at` still works afterwards. The generation, its segments and
 * the snapshots are made by the real replicator under a live writer; restic
 * is the oracle that the repository stays whole.
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { test } from 'node:test';
import { createEngine } from '../../../../main/engine/engine.ts';
import { BASE_TAG, positionTag } from '../../../../main/engine/replication/generation.ts';
import { newGenerationId } from '../../../../main/engine/replication/wal-segment-codec.ts';
import { retentionClasses } from '../../../../main/engine/retention/data-classes.ts';
import { snapshotDatabase } from '../../../../main/engine/sources/sqlite/database-snapshot.ts';
import { decideRetention } from '../../../../main/engine/retention/policy.ts';
import { resticOk } from '../../../support/restic.ts';
import { tempDir } from '../../../support/temp-dir.ts';
import { requireTool } from '../../../support/tools.ts';
import { checkInvariant, createTradingDb } from '../../../support/trading-db.ts';
import { startTradingWriter } from '../../../support/trading-writer.ts';

const PASSWORD = 'forget keeps replication bases';

test('forget by a policy that would drop a live generation\'s base keeps it, and restore --at still works', { timeout: 120_000 }, async (t) => {
  if (!requireTool(t, 'restic') || !requireTool(t, 'sqlite3')) return;
  const dir = tempDir(t);
  const dbPath = join(dir, 'trading.db');
  const repoPath = join(dir, 'repo');
  createTradingDb(dbPath, { accounts: 5, trades: 200 });
  // The engine's clock runs at wall-clock speed from noon in New York (the schedule's zone): the base and the
  // snapshot after it must fall on one calendar day there, which a run across midnight would break.
  const shiftMs = Date.parse('2026-06-15T16:00:00Z') - Date.now();
  const clock = { now: () => new Date(Date.now() + shiftMs) };
  const engine = createEngine({ home: join(dir, 'home'), clock, kdf: { N: 1024, r: 8, p: 1 }, secrets: { repositoryPassword: async () => PASSWORD, secret: async () => null } });
  t.after(() => engine.close());
  await engine.initialize({ repoPath, dbPath });

  // A generation with segments: the replicator ships a live writer's commits.
  const writer = await startTradingWriter(dbPath, 200);
  t.after(() => void writer.stop().catch(() => undefined));
  const controller = new AbortController();
  const replicating = engine.replicate({ signal: controller.signal, intervalMs: 100 });
  let status = await engine.replicationStatus();
  for (const deadline = Date.now() + 60_000; !(status.frameSeq > 0 && status.lastCommitAt) && Date.now() < deadline; status = await engine.replicationStatus()) await sleep(100);
  assert.ok(status.generation && status.lastCommitAt, `the replicator shipped nothing: ${status.message}`);
  await sleep(1000);
  await writer.stop();
  controller.abort();
  const summary = await replicating;
  const at = (await engine.replicationStatus()).lastCommitAt!;

  // An ordinary snapshot after the base: the base is no longer the newest of its class and source.
  await engine.snapshotDatabase();
  const configPath = engine.paths.configFile;
  const config = JSON.parse(readFileSync(configPath, 'utf8')) as Record<string, unknown>;
  // Keep only the last snapshot of each day: the base and the newer snapshot share a day.
  config['retention'] = {
    builtInClasses: false,
    classes: [{ name: 'trade-records', retention: '1d', match: [{ kind: 'sqlite' }], policy: { keepWithinDaily: '1d' } }],
  };
  writeFileSync(configPath, JSON.stringify(config, null, 2));

  const repo = await engine.openRepository();
  const entries = await repo.listSnapshots();
  const base = entries.find((e) => (e.snapshot.tags ?? []).includes(`generation:${summary.generation}`));
  assert.ok(base, 'the generation has a base snapshot');
  assert.equal(entries.length, 2, 'the base and the ordinary snapshot');
  // The policy alone drops the base: without the replication rule this test fails.
  const parsed = await engine.config();
  const byPolicy = decideRetention(
    entries.map((e) => ({ id: e.id, time: e.snapshot.time, tags: e.snapshot.tags ?? [], paths: e.snapshot.paths, hostname: e.snapshot.hostname })),
    retentionClasses(parsed), [], clock.now(), { timeZone: parsed.schedule.timezone },
  );
  assert.equal(byPolicy.find((d) => d.id === base.id)?.keep, false, 'the policy by itself forgets the base');

  const report = await engine.forget();
  const kept = report.decisions.find((d) => d.id === base.id);
  assert.equal(kept?.keep, true);
  assert.ok(kept.reasons.includes(`replication base of generation ${summary.generation} (point-in-time window)`), kept.reasons.join('; '));
  assert.deepEqual(report.removed, [], 'nothing else was due either');
  assert.equal(report.byRule.replication, 1);

  // restic still sees a whole repository with the base in it, and the point-in-time restore works.
  const ids = (JSON.parse(resticOk(repoPath, PASSWORD, ['snapshots', '--json'])) as { id: string }[]).map((s) => s.id);
  assert.ok(ids.includes(base.id), 'restic lists the kept base');
  const to = join(dir, 'restored.db');
  const restored = await engine.restoreAt({ at, to });
  assert.equal(restored.dryRun, false);
  assert.equal(restored.plan.baseSnapshotId, base.id);
  assert.ok(restored.plan.commits > 0, 'segments were applied on top of the base');
  assert.deepEqual(checkInvariant(to).violations, []);
});

test('the point-in-time window forget keeps bases for is replication.pointInTimeHours', async (t) => {
  const dir = tempDir(t);
  const dbPath = join(dir, 'trading.db');
  createTradingDb(dbPath, { accounts: 2, trades: 20 });
  const nowMs = Date.parse('2026-06-15T16:00:00Z');
  const engine = createEngine({ home: join(dir, 'home'), clock: { now: () => new Date(nowMs) }, kdf: { N: 1024, r: 8, p: 1 }, secrets: { repositoryPassword: async () => PASSWORD, secret: async () => null } });
  t.after(() => engine.close());
  await engine.initialize({ repoPath: join(dir, 'repo'), dbPath });
  const repo = await engine.openRepository();
  // Three generations' bases, 30, 20 and 5 hours old, then an ordinary snapshot now.
  const bases = new Map<number, string>();
  for (const hoursAgo of [30, 20, 5]) {
    const at = new Date(nowMs - hoursAgo * 3_600_000);
    const stored = await snapshotDatabase(repo, {
      dbPath, tmpDir: join(dir, 'tmp'), now: () => at, tags: [BASE_TAG, `generation:${newGenerationId(at.getTime())}`, positionTag(null)],
    });
    bases.set(hoursAgo, stored.snapshotId);
  }
  await engine.snapshotDatabase();

  const keptBases = async (replication: Record<string, unknown>): Promise<number[]> => {
    const config = JSON.parse(readFileSync(engine.paths.configFile, 'utf8')) as Record<string, unknown>;
    // A policy that by itself keeps only the newest snapshot: every base kept is kept for replication.
    config['retention'] = { builtInClasses: false, classes: [{ name: 'trade-records', retention: '1h', match: [{ kind: 'sqlite' }], policy: { keepWithin: '1h' } }] };
    config['replication'] = replication;
    writeFileSync(engine.paths.configFile, JSON.stringify(config, null, 2));
    const report = await engine.forget({ dryRun: true });
    return [...bases].filter(([, id]) => report.decisions.find((d) => d.id === id)?.keep).map(([hoursAgo]) => hoursAgo);
  };
  assert.deepEqual(await keptBases({}), [30, 20, 5], 'the default 48 h window needs every generation');
  // 12 h back is inside the 20-hour-old generation: the 30-hour-old one is no longer needed.
  assert.deepEqual(await keptBases({ pointInTimeHours: 12, rebaseHours: 12 }), [20, 5]);
  assert.deepEqual(await keptBases({ pointInTimeHours: 2, rebaseHours: 2 }), [5]);
});
