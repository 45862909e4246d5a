import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { VerificationStore } from '../../../../main/engine/catalog/verification-store.ts';
import type { JobProgress } from '../../../../main/engine/engine-events.ts';
import { listSnapshotFiles } from '../../../../main/engine/drill/file-sample.ts';
import { backupFiles } from '../../../../main/engine/sources/files/file-backup.ts';
import { DAY_MS } from '../../../../main/engine/verify/pack-rotation.ts';
import { tempDir } from '../../../support/temp-dir.ts';
import { createTradingDb } from '../../../support/trading-db.ts';
import { engineFixture, flipByte, openRepo, writeTree, type EngineFixture } from './engine-fixture.ts';

/** A file snapshot spread over many small packs, and the pack holding one chosen file's data. */
async function manyPacks(t: TestContext): Promise<EngineFixture & { snapshotId: string; packs: string[]; victim: string }> {
  const work = tempDir(t);
  const files: Record<string, Buffer> = {};
  for (let i = 0; i < 60; i++) files[`f-${String(i).padStart(3, '0')}.bin`] = randomBytes(2500);
  writeTree(join(work, 'files'), files);
  const fx = await engineFixture(t, { files: [join(work, 'files')] });
  const repo = await openRepo(fx.repoPath, 4096);
  const { snapshotId } = await backupFiles(repo, { paths: [join(work, 'files')], tags: ['tier:2'] });
  const all = await listSnapshotFiles(repo, (await repo.loadSnapshot(snapshotId)).tree);
  const victimFile = all.find((f) => f.path.endsWith('/files/f-017.bin'))!;
  const victim = repo.masterIndex.lookup('data', victimFile.content[0]!)[0]!.packId;
  return { ...fx, snapshotId, packs: [...repo.masterIndex.packEntries().keys()], victim };
}

test('daily verification reads every pack within 30 days and reports a flipped byte when the rotation reaches it', async (t) => {
  const fx = await manyPacks(t);
  assert.ok(fx.packs.length >= 30, `${fx.packs.length} packs`);
  flipByte(fx.repoPath, fx.victim);
  const progress: JobProgress[] = [];
  fx.engine.events.on('job-progress', (p) => progress.push(p));

  const start = fx.clock.now().getTime();
  const readBy = new Map<string, number>();
  let foundOn: number | null = null;
  const results: boolean[] = [];
  for (let day = 0; day < 30; day++) {
    fx.clock.set(new Date(start + day * DAY_MS));
    const r = await fx.engine.verify({ level: 'daily' });
    results.push(r.ok);
    if (day === 0) assert.equal(r.packs.read, Math.ceil(fx.packs.length / 30), 'ceil(total / 30) packs a day');
    for (const id of r.packs.readIds) if (!readBy.has(id)) readBy.set(id, day);
    if (r.packs.readIds.includes(fx.victim)) {
      foundOn ??= day;
      assert.equal(r.ok, false);
      const damaged = r.damagedPacks.find((p) => p.pack === fx.victim);
      assert.ok(damaged, JSON.stringify(r.errors));
      assert.deepEqual(damaged.snapshots, [fx.snapshotId]);
      assert.deepEqual(r.affectedSnapshots, [fx.snapshotId]);
    } else {
      assert.equal(r.ok, true, `day ${day}: ${JSON.stringify(r.errors)}`);
    }
  }
  assert.deepEqual(fx.packs.filter((p) => !readBy.has(p)), [], 'every pack was read within 30 days');
  assert.notEqual(foundOn, null);
  assert.ok(results.slice(foundOn!).every((ok) => !ok), 'once found, the damaged pack is read again every day until repaired');
  assert.ok(progress.some((p) => p.job === 'verify' && p.phase === 'reading packs'), 'progress events while reading');

  const rows = new VerificationStore(fx.engine.catalog).recent(100, { level: 'daily' });
  assert.equal(rows.length, 30);
  assert.deepEqual(rows.map((r) => r.ok).reverse(), results, 'each verification is recorded with its result');
  const failedRun = fx.engine.catalog.lastRun('verify');
  assert.equal(failedRun?.result, 'failed');
  assert.match(failedRun?.errorMessage ?? '', new RegExp(`pack\\(s\\) ${fx.victim.slice(0, 8)}.*snapshot\\(s\\) ${fx.snapshotId.slice(0, 8)}`));
});

test('full verification reads every pack at once and names the damaged pack and snapshot', async (t) => {
  const fx = await manyPacks(t);
  const clean = await fx.engine.verify({ level: 'full' });
  assert.equal(clean.ok, true, JSON.stringify(clean.errors));
  assert.equal(clean.packs.read, fx.packs.length);
  flipByte(fx.repoPath, fx.victim, 5);
  const r = await fx.engine.verify({ level: 'full' });
  assert.equal(r.ok, false);
  assert.equal(r.packs.read, fx.packs.length);
  assert.deepEqual(r.damagedPacks.map((p) => [p.pack, p.snapshots]), [[fx.victim, [fx.snapshotId]]]);
  const row = new VerificationStore(fx.engine.catalog).latest({ level: 'full' });
  assert.equal(row?.ok, false);
  assert.equal(row?.id, r.verificationId);
  const stored = row?.report as { damagedPacks: { pack: string; snapshots: string[] }[]; errors: { message: string }[] };
  assert.equal(stored.damagedPacks[0]?.pack, fx.victim);
  assert.ok(stored.errors.some((e) => e.message.includes(fx.snapshotId.slice(0, 8))), 'the report names the snapshot');
});

test('daily verification restores the latest database snapshot and compares it with the catalog', async (t) => {
  const work = tempDir(t);
  const dbPath = join(work, 'trading.db');
  createTradingDb(dbPath, { accounts: 4, trades: 1500 });
  const fx = await engineFixture(t, { dbPath });
  const snap = await fx.engine.snapshotDatabase();

  const ok = await fx.engine.verify({ level: 'daily' });
  assert.equal(ok.ok, true, JSON.stringify(ok.errors));
  assert.equal(ok.database?.snapshotId, snap.snapshotId);
  assert.equal(ok.database?.sha256, snap.sha256);
  assert.deepEqual(ok.database?.tables, snap.tables);
  const names = ok.database!.checks.map((c) => `${c.name}:${c.result}`);
  for (const expected of ['integrity_check:pass', 'SHA-256 = manifest:pass', 'SHA-256 = catalog:pass', 'row counts = catalog:pass', 'required tables:pass']) {
    assert.ok(names.includes(expected), `${expected} in ${names.join(', ')}`);
  }

  // The catalog says the backup held other bytes: the restored copy no longer matches what was recorded.
  fx.engine.catalog.database.prepare('UPDATE snapshots SET sha256 = ? WHERE id = ?').run('0'.repeat(64), snap.snapshotId);
  const bad = await fx.engine.verify({ level: 'daily' });
  assert.equal(bad.ok, false);
  assert.deepEqual(bad.database?.checks.filter((c) => c.result === 'fail').map((c) => c.name), ['SHA-256 = catalog']);
  assert.match(bad.errors.at(-1)!.message, new RegExp(`database snapshot ${snap.snapshotId.slice(0, 8)} failed its restore test \\(SHA-256 = catalog`));
  assert.deepEqual(bad.affectedSnapshots, [snap.snapshotId]);
  const tmp = join(fx.home, 'tmp');
  assert.deepEqual(existsSync(tmp) ? readdirSync(tmp).filter((n) => n.startsWith('verify-db-')) : [], [], 'the restored copy is removed');
});

test('a cancelled verification is not recorded as a failed one', async (t) => {
  const work = tempDir(t);
  writeTree(join(work, 'files'), { 'a.txt': 'alpha\n' });
  const fx = await engineFixture(t, { files: [join(work, 'files')] });
  await fx.engine.backupFiles();
  const controller = new AbortController();
  controller.abort();
  await assert.rejects(fx.engine.verify({ level: 'full', signal: controller.signal }), /the verification was cancelled/);
  assert.deepEqual(new VerificationStore(fx.engine.catalog).recent(10, { level: 'full' }), []);
  assert.equal(fx.engine.catalog.lastRun('verify')?.result, 'failed');
  const again = await fx.engine.verify({ level: 'full' });
  assert.equal(again.ok, true, 'the repository lock was released');
});
