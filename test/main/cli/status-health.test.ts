/**
 * `status` as a user and a monitoring script see it: the health model in
 * `--json`, the overall state first in the human output, and no password
 * needed. The catalog is written directly, the CLI reads it.
 */
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { Catalog } from '../../../main/engine/catalog/catalog.ts';
import type { HealthReport } from '../../../main/engine/health/health-types.ts';
import { parseJsonOutput, runCli } from '../../support/cli.ts';
import { tempDir } from '../../support/temp-dir.ts';
import { createTradingDb } from '../../support/trading-db.ts';

function home(t: TestContext, snapshotMinutesAgo: number): { home: string; catalog: Catalog } {
  const dir = tempDir(t);
  const homeDir = join(dir, 'home');
  const repo = join(dir, 'repo');
  mkdirSync(homeDir);
  mkdirSync(repo);
  writeFileSync(join(repo, 'config'), 'stands for a repository that is there');
  writeFileSync(join(homeDir, 'config.json'), JSON.stringify({ repository: { path: repo }, database: { path: join(dir, 'trading.db') } }));
  const catalog = Catalog.open(join(homeDir, 'catalog.db'));
  t.after(() => catalog.close());
  const now = Date.now();
  catalog.addEvent({ time: new Date(now - 3 * 24 * 3_600_000).toISOString(), level: 'info', type: 'init', message: 'created repository', data: null });
  for (let i = 0; i < 96; i++) {
    catalog.recordSnapshot({
      id: i.toString(16).padStart(64, 'a'), repositoryId: 'r'.repeat(64), time: new Date(now - (snapshotMinutesAgo + i * 15) * 60_000).toISOString(),
      kind: 'sqlite', tier: 1, source: join(dir, 'trading.db'), treeId: 't'.repeat(64), sizeBytes: 4096, bytesAdded: 10, sha256: null, verification: null, runId: null,
    });
  }
  return { home: homeDir, catalog };
}

test('status --json has the health model, without a password', (t) => {
  const { home: h } = home(t, 3);
  const r = runCli(['status', '--json'], { home: h });
  assert.equal(r.code, 0, r.stderr);
  const status = parseJsonOutput<{ health: HealthReport; lastDatabaseSnapshot: { sizeBytes: number } }>(r);
  assert.equal(status.lastDatabaseSnapshot.sizeBytes, 4096);
  assert.equal(status.health.overall, 'healthy');
  assert.deepEqual(status.health.conditions, []);
  assert.deepEqual(status.health.tiers.map((x) => [x.tier, x.state, x.rpoSeconds]), [[1, 'healthy', 900]]);
  assert.ok(status.health.tiers[0]!.ageSeconds! >= 180 && status.health.tiers[0]!.ageSeconds! < 240);
  const [local] = status.health.destinations;
  assert.deepEqual([local?.name, local?.state, local?.verification.state], ['local', 'healthy', 'never']);
  assert.ok((local?.totalBytes ?? 0) > 0, 'free space of the repository folder is measured');
});

test('status prints the overall state first, then the problems, tiers and destinations', (t) => {
  const { home: h, catalog } = home(t, 130);
  const pack = 'fe'.repeat(32);
  catalog.database.prepare('INSERT INTO verifications (time, level, destination, ok, snapshot_id, report) VALUES (?, ?, ?, ?, ?, ?)')
    .run(new Date().toISOString(), 'full', 'local', 0, null, JSON.stringify({ errors: [{ pack, message: 'blob damaged' }] }));
  const r = runCli(['status'], { home: h });
  assert.equal(r.code, 0, r.stderr);
  const lines = r.stdout.split('\n');
  assert.equal(lines[0], 'health: CRITICAL (2 problems)');
  assert.match(r.stdout, /CRITICAL +No backup in the last hour: Tier 1 \(critical\)/);
  assert.match(r.stdout, /CRITICAL +Verification failed on 'local'/);
  assert.match(r.stdout, /damaged pack fefefefe/);
  assert.match(r.stdout, /^Tier 1 \(critical\): critical, last backup 2 h 10 min ago \(objective: every 15 min\)$/m);
  assert.match(r.stdout, /^destination local: critical, last backup 2 h 10 min ago; verification failed \(.+\); no restore drill yet; .+ free of .+$/m);
  assert.match(r.stdout, /^home: /m, 'the existing lines follow');
});

test('status of an unconfigured home says so first', (t) => {
  const r = runCli(['status'], { home: join(tempDir(t), 'empty') });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout.split('\n')[0], 'health: UNKNOWN (not configured)');
  const json = parseJsonOutput<{ health: unknown }>(runCli(['status', '--json'], { home: join(tempDir(t), 'empty') }));
  assert.equal(json.health, null);
});

function largestPack(repo: string): string {
  const packs = readdirSync(join(repo, 'data'), { recursive: true, encoding: 'utf8' })
    .map((p) => join(repo, 'data', p))
    .filter((p) => statSync(p).isFile());
  return packs.sort((a, b) => statSync(b).size - statSync(a).size)[0]!;
}

test('a flipped byte found by verify turns status critical, naming the pack and the snapshot', async (t) => {
  const dir = tempDir(t);
  const home = join(dir, 'home');
  const repo = join(dir, 'repo');
  const db = join(dir, 'trading.db');
  await createTradingDb(db, { accounts: 5, trades: 2000 });
  const env = { home, password: 'status health test' };
  assert.equal(runCli(['init', '--db', db, '--repo', repo], env).code, 0);
  const snap = runCli(['snapshot', '--json'], env);
  assert.equal(snap.code, 0, snap.stderr);
  const snapshotId = parseJsonOutput<{ snapshotId: string }>(snap).snapshotId;
  assert.equal(parseJsonOutput<{ health: HealthReport }>(runCli(['status', '--json'], { home })).health.overall, 'healthy');

  // The database's pages are the biggest pack; damage one byte in the middle of it.
  const pack = largestPack(repo);
  chmodSync(pack, 0o600);
  const bytes = readFileSync(pack);
  const at = Math.floor(bytes.length / 2);
  bytes[at] = bytes[at]! ^ 0xff;
  writeFileSync(pack, bytes);
  const verify = runCli(['verify', '--read-data'], env);
  assert.equal(verify.code, 1, verify.stdout + verify.stderr);

  const status = runCli(['status', '--json'], { home });
  assert.equal(status.code, 0, status.stderr);
  const health = parseJsonOutput<{ health: HealthReport }>(status).health;
  assert.equal(health.overall, 'critical');
  const failed = health.conditions.find((c) => c.rule === 'verification-failed');
  assert.equal(failed?.key, 'verification-failed:local');
  assert.match(failed?.message ?? '', new RegExp(`damaged pack ${basename(pack).slice(0, 8)}`));
  assert.match(failed?.message ?? '', new RegExp(`snapshot ${snapshotId.slice(0, 8)}`));
  assert.equal(health.destinations[0]?.verification.state, 'failed');
  assert.equal(runCli(['status'], { home }).stdout.split('\n')[0], 'health: CRITICAL (1 problem)');
});
