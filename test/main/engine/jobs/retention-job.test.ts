import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { OplogStore } from '../../../../main/engine/compliance/oplog-store.ts';
import { createEngine } from '../../../../main/engine/engine.ts';
import { forgottenSnapshots } from '../../../../main/engine/retention/forgotten-store.ts';
import { restic, resticOk } from '../../../support/restic.ts';
import { requireTool } from '../../../support/tools.ts';
import { tempDir } from '../../../support/temp-dir.ts';

const FAST_KDF = { N: 1024, r: 8, p: 1 };
const DAY = 86_400_000;

test('the retention job: brake, then forget by policy (holds kept) and prune; restic check --read-data passes', { timeout: 120_000 }, async (t) => {
  if (!requireTool(t, 'restic')) return;
  const dir = tempDir(t);
  const files = join(dir, 'files');
  const repoDir = join(dir, 'repo');
  mkdirSync(files);
  let now = Date.UTC(2026, 0, 5, 12);
  const engine = createEngine({
    home: join(dir, 'home'), kdf: FAST_KDF, clock: { now: () => new Date(now) },
    secrets: { repositoryPassword: async () => 'pw', secret: async () => null },
  });
  t.after(() => engine.close());
  await engine.initialize({ repoPath: repoDir, files: [files] });
  const configFile = join(dir, 'home', 'config.json');
  const setRetention = (retention: object): void => {
    const config = JSON.parse(readFileSync(configFile, 'utf8')) as Record<string, unknown>;
    writeFileSync(configFile, JSON.stringify({ ...config, retention }));
  };
  const policy = { classes: [{ name: 'important-files', retention: '30d', match: [{ kind: 'files', tiers: [2] }], policy: { keepLast: 3, keepWithin: '30d' } }] };
  setRetention(policy);

  // Twelve backups 20 days apart, each with new content, so forgetting frees data for prune.
  const ids: string[] = [];
  for (let i = 0; i < 12; i++) {
    writeFileSync(join(files, `day-${i}.bin`), Buffer.alloc(40_000, i + 1));
    ids.push((await engine.backupFiles()).snapshotId);
    now += 20 * DAY;
  }
  const held = await engine.addHold({ snapshot: ids[0]!.slice(0, 12), reason: 'SEC inquiry' });
  assert.deepEqual(held.scope, { type: 'snapshot', snapshotId: ids[0] });

  // keepLast 3 + the hold keep 4 of 12: 67% is over the default 50% brake.
  await assert.rejects(engine.runJob('retention'), /forget would remove 8 of 12 snapshots \(66\.7%\), more than retention\.maxForgetShare \(50%\)/);
  assert.equal(engine.catalog.lastRun('retention')?.result, 'failed');
  assert.equal(JSON.parse(resticOk(repoDir, 'pw', ['snapshots', '--json'])).length, 12, 'the brake removed nothing');

  setRetention({ ...policy, maxForgetShare: 0.7 });
  const sizeBefore = JSON.parse(resticOk(repoDir, 'pw', ['stats', '--mode', 'raw-data', '--json'])) as { total_size: number };
  const summary = await engine.runJob('retention');
  assert.equal(summary.result, 'success');
  const kept = [ids[0], ...ids.slice(-3)].sort();
  const remaining = (JSON.parse(resticOk(repoDir, 'pw', ['snapshots', '--json'])) as { id: string }[]).map((s) => s.id).sort();
  assert.deepEqual(remaining, kept);
  const check = restic(repoDir, 'pw', ['check', '--read-data']);
  assert.equal(check.code, 0, `${check.stdout}\n${check.stderr}`);
  const sizeAfter = JSON.parse(resticOk(repoDir, 'pw', ['stats', '--mode', 'raw-data', '--json'])) as { total_size: number };
  assert.ok(sizeAfter.total_size < sizeBefore.total_size, `prune freed data: ${sizeBefore.total_size} -> ${sizeAfter.total_size}`);

  const forgotten = forgottenSnapshots(engine.catalog).map((f) => f.snapshotId).sort();
  assert.deepEqual(forgotten, ids.filter((id) => !kept.includes(id)).sort());
  assert.equal(engine.catalog.database.prepare('SELECT count(*) AS n FROM snapshots').get() !== undefined, true);
  const liveRows = (engine.catalog.database.prepare('SELECT id FROM snapshots').all() as { id: string }[]).map((r) => r.id).sort();
  assert.deepEqual(liveRows, kept, 'the catalog lists only the snapshots that remain');
  const details = engine.catalog.lastRun('retention')?.details as { forgotten: number; prune: { packsDeleted: number } | null };
  assert.equal(details.forgotten, 8);
  assert.ok(details.prune, 'prune ran after the forget');
  // The prune inside the retention run is in the operations log with its report, as a prune on its own is.
  const prunes = new OplogStore(engine.catalog).entriesOfType(['prune']);
  assert.equal(prunes.length, 1, JSON.stringify(prunes));
  const logged = prunes[0]!.data as { packsDeleted: number; bytesFreed: number; repository: string; dryRun: boolean };
  assert.equal(logged.repository, repoDir);
  assert.equal(logged.dryRun, false);
  assert.equal(logged.packsDeleted, details.prune.packsDeleted);
  assert.ok(logged.bytesFreed > 0, JSON.stringify(logged));

  // Nothing left to forget: the next run succeeds without pruning.
  const again = await engine.retention();
  assert.equal(again.forgotten, 0);
  assert.equal(again.prune, null);
  assert.equal(new OplogStore(engine.catalog).entriesOfType(['prune']).length, 1, 'no prune, no prune entry');
});
