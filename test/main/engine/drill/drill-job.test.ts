import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { DrillStore } from '../../../../main/engine/catalog/drill-store.ts';
import type { DrillEvidence } from '../../../../main/engine/drill/drill-evidence.ts';
import { listSnapshotFiles } from '../../../../main/engine/drill/file-sample.ts';
import { readDatabaseSnapshot, segmentContent } from '../../../../main/engine/sources/sqlite/read-database-snapshot.ts';
import { tempDir } from '../../../support/temp-dir.ts';
import { createTradingDb } from '../../../support/trading-db.ts';
import { engineFixture, flipByte, openRepo, writeTree } from '../verify/engine-fixture.ts';

const HOSTILE = `<img src=x onerror="alert('pwned')">&amp;.txt`;

async function backedUp(t: TestContext, verification?: unknown) {
  const work = tempDir(t);
  const dbPath = join(work, 'trading.db');
  createTradingDb(dbPath, { accounts: 4, trades: 1200 });
  const tree: Record<string, string | Buffer> = { [HOSTILE]: 'hostile name, harmless content', 'big/model.bin': Buffer.alloc(400_000, 3) };
  for (let i = 0; i < 30; i++) tree[`notes/n${i}.md`] = `note ${i}\n`.repeat(i + 1);
  writeTree(join(work, 'files'), tree);
  const fx = await engineFixture(t, { dbPath, files: [join(work, 'files')], ...(verification ? { verification } : {}) });
  const db = await fx.engine.snapshotDatabase();
  const files = await fx.engine.backupFiles();
  return { ...fx, work, db, files };
}

function drillFolders(home: string): string[] {
  const tmp = join(home, 'tmp');
  return existsSync(tmp) ? readdirSync(tmp).filter((n) => n.startsWith('drill-')) : [];
}

test('a drill on an intact repository passes, records its time and evidence, and cleans up', async (t) => {
  const fx = await backedUp(t);
  const r = await fx.engine.restoreTest();
  assert.equal(r.ok, true, JSON.stringify(r.drills.map((d) => d.evidence.failures)));
  assert.equal(r.drills.length, 1);
  const d = r.drills[0]!;
  const e = d.evidence;
  assert.equal(d.destination, 'local');
  assert.equal(e.destination.location, fx.repoPath);
  assert.equal(e.database?.snapshotId, fx.db.snapshotId);
  assert.equal(e.database?.sha256, fx.db.sha256);
  assert.deepEqual(e.database?.tables, fx.db.tables);
  assert.equal(e.database?.rtoMs, 15 * 60_000, 'tier 1: 15 minutes');
  assert.ok(e.database!.restoreMs > 0);
  assert.equal(e.files?.snapshotId, fx.files.snapshotId);
  assert.equal(e.files?.rtoMs, 60 * 60_000, 'tier 2 files: 1 hour');
  assert.equal(e.files?.filesInSnapshot, 32);
  assert.equal(e.files?.sampled.length, 21, 'the largest file plus 20 at random');
  assert.ok(e.files!.sampled[0]!.largest && e.files!.sampled[0]!.path.endsWith('/big/model.bin'));
  assert.equal(new Set(e.files!.sampled.map((s) => s.path)).size, 21, 'no file sampled twice');
  for (const s of e.files!.sampled) {
    assert.equal(s.result, 'pass', s.detail);
    assert.equal(s.restoredBytes, s.expectedSize);
    assert.match(s.sha256 ?? '', /^[0-9a-f]{64}$/);
  }
  assert.ok(e.withinRto);
  assert.ok(e.host.hostname && e.versions.node && e.versions.sqlite);
  assert.equal(e.versions.repositoryFormat, 2);
  assert.equal(e.summary, 'the restore drill from local passed');

  const row = new DrillStore(fx.engine.catalog).latest('local');
  assert.equal(row?.id, d.drillId);
  assert.equal(row?.ok, true);
  assert.equal(row?.rtoMs, d.rtoMs);
  assert.ok((row?.durationMs ?? 0) > 0 && row!.durationMs! <= row!.rtoMs!);
  assert.equal((row?.report as DrillEvidence).database?.sha256, fx.db.sha256);
  assert.ok(row?.html?.includes(String(e.database!.restoreMs)), 'the stored HTML has the measured time');
  assert.equal(fx.engine.catalog.lastRun('drill')?.result, 'success');
  assert.deepEqual(drillFolders(fx.home), [], 'the temporary folder is removed');
});

test('the sample size and the objectives come from the config; a slow drill is a warning, not a failure', async (t) => {
  const fx = await backedUp(t, { drill: { sampleFiles: 3 }, rto: { tier1Minutes: 0.000001 } });
  const r = await fx.engine.restoreTest();
  const e = r.drills[0]!.evidence;
  assert.equal(e.files?.sampled.length, 4);
  assert.equal(r.ok, true);
  assert.equal(e.database?.withinRto, false, 'no restore is faster than 60 microseconds');
  assert.equal(r.withinRto, false);
  assert.equal(e.binding?.part, 'database');
  const row = new DrillStore(fx.engine.catalog).latest();
  assert.ok(row!.durationMs! > row!.rtoMs!, 'the row shows the drill slower than its objective');
  assert.equal(fx.engine.catalog.lastRun('drill')?.result, 'warning');
});

test('a drill on a damaged repository fails with evidence saying what failed, and cleans up', async (t) => {
  const fx = await backedUp(t);
  const repo = await openRepo(fx.repoPath);
  const model = (await listSnapshotFiles(repo, (await repo.loadSnapshot(fx.files.snapshotId)).tree)).find((f) => f.path.endsWith('/big/model.bin'))!;
  const where = repo.masterIndex.lookup('data', model.content[0]!)[0]!;
  flipByte(fx.repoPath, where.packId, where.offset + 20);

  const r = await fx.engine.restoreTest();
  assert.equal(r.ok, false);
  const e = r.drills[0]!.evidence;
  assert.equal(e.ok, false);
  assert.ok(e.database?.checks.every((c) => c.result !== 'fail'), 'the database does not use the damaged pack');
  const sample = e.files!.sampled.find((s) => s.largest)!;
  assert.equal(sample.result, 'fail');
  assert.equal(sample.sha256, null);
  assert.match(sample.detail ?? '', new RegExp(`pack ${where.packId.slice(0, 12)}`));
  assert.ok(e.files!.sampled.filter((s) => !s.largest).every((s) => s.result === 'pass'), 'the other files are intact');
  assert.ok(e.failures.some((f) => f.startsWith('files: ') && f.includes('/big/model.bin')), e.failures.join('\n'));
  assert.match(e.summary, /^the restore drill from local failed: files: sampled files: /);
  const row = new DrillStore(fx.engine.catalog).latest();
  assert.equal(row?.ok, false);
  assert.match(row?.html ?? '', /FAILED/);
  const run = fx.engine.catalog.lastRun('drill');
  assert.equal(run?.result, 'failed');
  assert.match(run?.errorMessage ?? '', /the restore drill failed: local: files: sampled files/);
  assert.deepEqual(drillFolders(fx.home), [], 'the temporary folder is removed after a failure too');
});

test('a damaged database pack fails the database part of the drill', async (t) => {
  const fx = await backedUp(t);
  const repo = await openRepo(fx.repoPath);
  const parts = await readDatabaseSnapshot(repo, await repo.findSnapshot(fx.db.snapshotId));
  const first = (await segmentContent(repo, parts.segmentTrees[0]!))[0]!;
  const where = repo.masterIndex.lookup('data', first)[0]!;
  flipByte(fx.repoPath, where.packId, where.offset + 20);

  const r = await fx.engine.restoreTest();
  assert.equal(r.ok, false);
  const e = r.drills[0]!.evidence;
  const restore = e.database?.checks.find((c) => c.name === 'restore');
  assert.equal(restore?.result, 'fail');
  assert.match(restore?.detail ?? '', new RegExp(`pack ${where.packId.slice(0, 12)}.*damaged`));
  assert.equal(e.database?.sha256, null, 'no hash of a database that was not restored');
  assert.ok(e.failures.some((f) => f.startsWith('database: restore:')), e.failures.join('\n'));
  assert.deepEqual(drillFolders(fx.home), []);
});

test('a repository that cannot be opened is a failed drill with evidence, not a crash', async (t) => {
  const fx = await backedUp(t);
  const { rmSync } = await import('node:fs');
  rmSync(join(fx.repoPath, 'keys'), { recursive: true, force: true });
  const r = await fx.engine.restoreTest();
  assert.equal(r.ok, false);
  const e = r.drills[0]!.evidence;
  assert.equal(e.checks[0]?.name, 'open repository');
  assert.equal(e.checks[0]?.result, 'fail');
  assert.match(e.failures[0] ?? '', /destination: open repository: .*keys/);
  assert.equal(e.database, null);
});

test('a cancelled drill removes its temporary folder and records no drill', async (t) => {
  const fx = await backedUp(t);
  const controller = new AbortController();
  fx.engine.events.on('job-progress', (p) => {
    if (p.phase === 'local: restoring files') controller.abort();
  });
  await assert.rejects(fx.engine.restoreTest({ signal: controller.signal }));
  assert.deepEqual(drillFolders(fx.home), []);
  assert.equal(new DrillStore(fx.engine.catalog).latest(), null);
  assert.equal(fx.engine.catalog.lastRun('drill')?.result, 'failed');
});
