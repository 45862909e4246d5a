/**
 * The health report over a real catalog and file system: the facts gathered
 * from stored rows, the two-hour gap with real database snapshots, and
 * status answering without the repository password.
 */
import assert from 'node:assert/strict';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import type { Catalog } from '../../../../main/engine/catalog/catalog.ts';
import { createEngine, type Engine } from '../../../../main/engine/engine.ts';
import { gatherHealthInput } from '../../../../main/engine/health/health-input.ts';
import type { SecretSource } from '../../../../main/engine/secrets/password-source.ts';
import { tempDir } from '../../../support/temp-dir.ts';
import { createTradingDb } from '../../../support/trading-db.ts';

const FAST_KDF = { N: 1024, r: 8, p: 1 };
const T0 = new Date('2025-03-10T08:00:00.000Z');
const minutes = (n: number): Date => new Date(T0.getTime() + n * 60_000);

const noPassword: SecretSource = {
  repositoryPassword: () => Promise.reject(new Error('the health report must not ask for the repository password')),
  secret: () => Promise.resolve(null),
};

function setup(t: TestContext, configExtra: Record<string, unknown> = {}, secrets: SecretSource = noPassword) {
  const dir = tempDir(t);
  const home = join(dir, 'home');
  const repo = join(dir, 'repo');
  mkdirSync(home, { recursive: true });
  mkdirSync(repo);
  // Stands for a repository that is there (health reads the catalog, never the repository itself).
  writeFileSync(join(repo, 'config'), 'a repository config file');
  writeFileSync(join(home, 'config.json'), JSON.stringify({ repository: { path: repo }, database: { path: join(dir, 'trading.db') }, ...configExtra }));
  const clock = { current: T0, now(): Date { return this.current; } };
  const engine = createEngine({ home, secrets, clock, kdf: FAST_KDF });
  t.after(() => engine.close());
  return { dir, home, repo, db: join(dir, 'trading.db'), clock, engine };
}

let snapshotCounter = 0;
function addSnapshot(catalog: Catalog, kind: 'sqlite' | 'files', source: string, time: Date, sizeBytes: number | null, tier = 1): string {
  const id = (++snapshotCounter).toString(16).padStart(64, '0');
  // Stored the way the jobs store it: a local-offset RFC 3339 time with nanoseconds.
  const wall = new Date(time.getTime() + 2 * 3_600_000).toISOString().slice(0, 23);
  catalog.recordSnapshot({
    id, repositoryId: 'r'.repeat(64), time: `${wall}000001+02:00`, kind, tier, source, treeId: 't'.repeat(64),
    sizeBytes, bytesAdded: 1, sha256: null, verification: null, runId: null,
  });
  return id;
}

test('the facts come from the catalog rows and the destination file system', async (t) => {
  const { engine, db, clock } = setup(t, { files: { sources: [{ path: '/home/t/research', tier: 2 }, { path: '/home/t/archive', tier: 3 }] } });
  const catalog = engine.catalog;
  catalog.addEvent({ time: T0.toISOString(), level: 'info', type: 'init', message: 'created repository', data: null });
  for (let i = 0; i < 30; i++) addSnapshot(catalog, 'sqlite', db, minutes(i * 15), 1000 + i);
  addSnapshot(catalog, 'sqlite', '/old/other.db', minutes(500), 5);
  addSnapshot(catalog, 'files', '/home/t/research\n/home/t/archive', minutes(60), null, 2);
  const runId = catalog.startRun('snapshot', minutes(450));
  catalog.finishRun(runId, { endedAt: minutes(451), result: 'failed', errorKind: 'transient', errorMessage: 'database is locked' });
  const pack = 'ab12'.repeat(16);
  const snap = 'cd34'.repeat(16);
  const insertVerification = catalog.database.prepare('INSERT INTO verifications (time, level, destination, ok, snapshot_id, report) VALUES (?, ?, ?, ?, ?, ?)');
  insertVerification.run(minutes(100).toISOString(), 'full', 'local', 1, null, JSON.stringify({ ok: true, errors: [] }));
  // The verify job's report shape: errors, damaged packs with the snapshots needing them, counts that are not IDs.
  const other = 'ef56'.repeat(16);
  insertVerification.run(minutes(400).toISOString(), 'full', 'local', 0, null, JSON.stringify({
    ok: false, level: 'full', errors: [{ pack, message: `pack ${pack.slice(0, 8)} is damaged` }],
    damagedPacks: [{ pack, snapshots: [snap, other], messages: ['blob 1234 does not match its ID'] }], affectedSnapshots: [snap, other],
    packs: { total: 4, read: 4, readIds: ['99'.repeat(32)] }, snapshots: 3,
  }));
  insertVerification.run(minutes(420).toISOString(), 'metadata', 'local', 1, snap, null);
  insertVerification.run(minutes(420).toISOString(), 'full', 'cloud', 0, null, null);
  const insertDrill = catalog.database.prepare('INSERT INTO drills (started_at, ended_at, destination, ok, duration_ms, rto_ms, report_json) VALUES (?, ?, ?, ?, ?, ?, ?)');
  insertDrill.run(minutes(300).toISOString(), minutes(301).toISOString(), 'local', 0, 61_000, 900_000, JSON.stringify({ error: 'row counts differ: trades' }));
  insertDrill.run(minutes(460).toISOString(), null, 'local', null, null, null, null);

  clock.current = minutes(24 * 60);
  const config = await engine.config();
  const input = await gatherHealthInput({ engine, catalog, clock, logger: engine.logger, events: engine.events, hostname: 'ws1' }, config);

  assert.equal(input.installedAt, T0.toISOString());
  assert.deepEqual(input.tiers.map((x) => [x.tier, x.sources.map((s) => [s.kind, s.path])]), [
    [1, [['sqlite', db]]], [2, [['files', '/home/t/research']]], [3, [['files', '/home/t/archive']]],
  ]);
  assert.equal(Date.parse(input.tiers[0]!.sources[0]!.lastSuccess!), minutes(29 * 15).getTime());
  assert.equal(Date.parse(input.tiers[2]!.sources[0]!.lastSuccess!), minutes(60).getTime(), 'a folder matches its line of a multi-folder snapshot');
  assert.deepEqual(input.tiers[0]!.lastRun, { result: 'failed', startedAt: minutes(450).toISOString(), errorMessage: 'database is locked' });
  assert.equal(input.recentDatabaseSnapshots.filter((s) => Date.parse(s) > minutes(0).getTime()).length, 29, 'the other database is not counted');
  const [dbSizes, fileSizes] = input.sizeHistory;
  assert.deepEqual([dbSizes?.latest.sizeBytes, dbSizes?.previous?.sizeBytes], [1029, 1028]);
  assert.deepEqual([fileSizes?.kind, fileSizes?.tier, fileSizes?.latest.sizeBytes, fileSizes?.previous], ['files', 2, null, null]);

  const [local] = input.destinations;
  assert.equal(local?.name, 'local');
  assert.equal(Date.parse(local!.lastSuccess!), minutes(500).getTime());
  const failed = local!.verifications.find((v) => !v.ok);
  assert.deepEqual([failed?.level, failed?.packs, failed?.snapshots], ['full', [pack], [snap, other]]);
  assert.deepEqual(failed?.messages, [`pack ${pack.slice(0, 8)} is damaged`, 'blob 1234 does not match its ID']);
  assert.equal(local!.verifications.length, 3, 'the failure, the newest full and the newest metadata success; not the cloud row');
  assert.deepEqual(local!.lastDrill, { ok: false, time: minutes(301).toISOString(), durationMs: 61_000, rtoMs: 900_000, summary: 'row counts differ: trades' }, 'a drill still running does not count');
  assert.ok(local!.space && local!.space.totalBytes > 0 && local!.space.freeBytes >= 0 && local!.space.freeBytes <= local!.space.totalBytes);

  const report = await engine.health();
  assert.equal(report.overall, 'critical');
  assert.deepEqual(report.conditions.filter((c) => c.severity === 'critical').map((c) => c.key), ['drill-failed:local', 'no-recent-backup:tier-1', 'verification-failed:local']);
  const noBackup = report.conditions.find((c) => c.key === 'no-recent-backup:tier-1');
  assert.match(noBackup?.message ?? '', /database is locked/);
  assert.match(report.conditions.find((c) => c.key === 'verification-failed:local')?.message ?? '', new RegExp(`pack ${pack.slice(0, 8)}.*snapshots ${snap.slice(0, 8)}, ${other.slice(0, 8)}`));
});

test('status carries the health model and needs no password', async (t) => {
  const { engine, db, clock } = setup(t);
  engine.catalog.addEvent({ time: T0.toISOString(), level: 'info', type: 'init', message: 'created repository', data: null });
  addSnapshot(engine.catalog, 'sqlite', db, minutes(0), 100);
  clock.current = minutes(10);
  const status = await engine.status();
  assert.equal(status.configured, true);
  assert.equal(status.health?.overall, 'healthy');
  assert.deepEqual(status.health?.tiers.map((x) => [x.tier, x.ageSeconds]), [[1, 600]]);
  assert.equal(status.lastDatabaseSnapshot?.sizeBytes, 100, 'the existing fields are unchanged');
});

test('status without a config has no health', async (t) => {
  const dir = tempDir(t);
  const engine: Engine = createEngine({ home: join(dir, 'home'), secrets: noPassword });
  t.after(() => engine.close());
  const status = await engine.status();
  assert.equal(status.configured, false);
  assert.equal(status.health, null);
});

test('a two-hour gap after real snapshots raises "no backup in the last hour"; a new snapshot resolves it', async (t) => {
  const secrets: SecretSource = { repositoryPassword: () => Promise.resolve('health test'), secret: () => Promise.resolve(null) };
  const { engine, db, repo, clock } = setup(t, {}, secrets);
  await createTradingDb(db, { accounts: 3, trades: 200 });
  clock.current = new Date();
  rmSync(join(repo, 'config')); // this test makes a real repository there
  await engine.initialize({ repoPath: repo, dbPath: db });
  const first = await engine.snapshotDatabase();
  assert.equal((await engine.health()).overall, 'healthy');

  clock.current = new Date(Date.now() + 2 * 3_600_000);
  const gap = await engine.health();
  assert.equal(gap.overall, 'critical');
  assert.deepEqual(gap.conditions.map((c) => c.key), ['no-recent-backup:tier-1']);
  assert.match(gap.conditions[0]!.title, /No backup in the last hour/);
  assert.match(gap.conditions[0]!.message, / is 2 h old /);
  assert.deepEqual((await engine.health()).conditions, gap.conditions, 'evaluating again finds the same one condition');

  const second = await engine.snapshotDatabase();
  assert.notEqual(second.snapshotId, first.snapshotId);
  // The snapshot is stamped with the engine's clock, two hours on: one second after it, only it can resolve the gap.
  clock.current = new Date(clock.current.getTime() + 1000);
  const after = await engine.health();
  assert.deepEqual(after.conditions, []);
  assert.equal(after.overall, 'healthy');
});
