import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { LocalBackend } from '../../../../../main/engine/backends/local-backend.ts';
import { BackupError } from '../../../../../main/engine/errors.ts';
import { Repository } from '../../../../../main/engine/repo/repository.ts';
import { restoreDatabase } from '../../../../../main/engine/restore/restore-database.ts';
import { snapshotDatabase } from '../../../../../main/engine/sources/sqlite/database-snapshot.ts';
import type { DatabaseSnapshotResult } from '../../../../../main/engine/sources/sqlite/database-snapshot.ts';
import { parseDatabaseManifest } from '../../../../../main/engine/sources/sqlite/database-manifest.ts';
import { tempDir } from '../../../../support/temp-dir.ts';
import { requireTool } from '../../../../support/tools.ts';
import { checkInvariant, createTradingDb } from '../../../../support/trading-db.ts';
import { startTradingWriter } from '../../../../support/trading-writer.ts';

const PASSWORD = 'correct horse battery staple';
const FAST_KDF = { N: 1024, r: 8, p: 1 };

async function newRepo(dir: string): Promise<{ repo: Repository; path: string }> {
  const path = join(dir, 'repo');
  return { repo: await Repository.init(new LocalBackend(path), PASSWORD, { kdf: FAST_KDF }), path };
}

test('snapshots stay consistent and bounded in time while another process commits ~1000 tx/s', async (t) => {
  const sqlite3 = requireTool(t, 'sqlite3');
  if (!sqlite3) return;
  const dir = tempDir(t);
  const dbPath = join(dir, 'trading.db');
  createTradingDb(dbPath, { accounts: 25, trades: 5000, targetBytes: 30e6 });
  const { repo } = await newRepo(dir);
  const writer = await startTradingWriter(dbPath, 1000);
  t.after(() => writer.child.kill('SIGKILL'));

  const results: DatabaseSnapshotResult[] = [];
  let parent: string | undefined;
  for (let i = 0; i < 3; i++) {
    await new Promise((r) => setTimeout(r, 1000));
    const result = await snapshotDatabase(repo, { dbPath, tmpDir: join(dir, 'tmp'), parent, tags: ['test'] });
    assert.ok(result.totalMs < 30_000, `snapshot ${i} took ${result.totalMs.toFixed(0)} ms`);
    parent = result.snapshotId;
    results.push(result);
  }
  const stats = await writer.stop();
  t.diagnostic(`writer: ${stats.commits} commits in ${stats.seconds.toFixed(1)} s, p50 ${stats.p50Ms.toFixed(2)} ms, p99 ${stats.p99Ms.toFixed(2)} ms, max ${stats.maxMs.toFixed(1)} ms`);
  t.diagnostic(`snapshots: ${results.map((r) => `${r.totalMs.toFixed(0)} ms (copy ${r.copyMs.toFixed(0)} ms)`).join(', ')}`);
  assert.equal(stats.errors, 0);
  assert.ok(stats.commits / stats.seconds > 500, `the writer kept its pace (${(stats.commits / stats.seconds).toFixed(0)} tx/s)`);
  assert.deepEqual(readdirSync(join(dir, 'tmp')), [], 'temporary copies are removed');

  let previousTrades = 0;
  for (const [i, result] of results.entries()) {
    const restored = await restoreDatabase(repo, result.snapshotId, { to: join(dir, `restored-${i}.db`) });
    assert.equal(restored.sha256, result.manifest.sha256);
    assert.deepEqual(checkInvariant(restored.path).violations, []);
    assert.deepEqual(restored.tables, result.manifest.verification.tables);
    const trades = result.manifest.verification.tables.trades!;
    assert.ok(trades > previousTrades, `snapshot ${i} holds later trades (${trades} > ${previousTrades})`);
    previousTrades = trades;
    // An independent reader: the sqlite3 CLI.
    const cli: string = execFileSync(sqlite3, ['-readonly', restored.path, 'PRAGMA integrity_check; SELECT count(*) FROM trades; SELECT count(*) FROM audit_trail;'], { encoding: 'utf8' });
    assert.equal(cli, `ok\n${trades}\n${trades}\n`);
  }

  const snapshots = await repo.listSnapshots();
  assert.equal(snapshots.length, 3);
  const last = snapshots.at(-1)!.snapshot;
  assert.deepEqual(last.paths, [dbPath]);
  assert.deepEqual(last.tags, ['quantai', 'kind:sqlite', 'tier:1', 'test']);
  assert.equal(last.parent, results[1]!.snapshotId);
});

test('plain restic checks every byte and restores a file that the join command turns back into the database', async (t) => {
  const restic = requireTool(t, 'restic');
  if (!restic) return;
  const dir = tempDir(t);
  const dbPath = join(dir, 'trading.db');
  createTradingDb(dbPath, { accounts: 10, trades: 3000, targetBytes: 6e6 });
  const { repo, path: repoPath } = await newRepo(dir);
  const first = await snapshotDatabase(repo, { dbPath, tmpDir: join(dir, 'tmp') });
  const db = new Database(dbPath);
  db.prepare('UPDATE trades SET price = price + 1 WHERE id % 50 = 0').run();
  db.close();
  const second = await snapshotDatabase(repo, { dbPath, tmpDir: join(dir, 'tmp'), parent: first.snapshotId });
  assert.ok(second.chunksNew < second.chunksTotal / 5, `only changed pages are new (${second.chunksNew}/${second.chunksTotal})`);

  const env = { ...process.env, RESTIC_PASSWORD: PASSWORD, RESTIC_REPOSITORY: repoPath, };
  const check = execFileSync(restic, ['--no-cache', 'check', '--read-data'], { env, encoding: 'utf8' });
  assert.match(check, /no errors were found/);

  for (const result of [first, second]) {
    const target = join(dir, `restic-${result.snapshotId.slice(0, 8)}`);
    execFileSync(restic, ['--no-cache', 'restore', result.snapshotId, '--target', target], { env, stdio: 'pipe' });
    const readme = readFileSync(join(target, 'RESTORE-README.txt'), 'utf8');
    assert.ok(readme.includes(result.manifest.join), 'the README gives the join command');
    const manifest = parseDatabaseManifest(readFileSync(join(target, 'trading.db.manifest.json')));
    assert.deepEqual(manifest, result.manifest);
    assert.equal(readdirSync(join(target, 'trading.db.segments')).length, result.manifest.segments);
    execFileSync('sh', ['-c', result.manifest.join], { cwd: target });
    const rebuilt = readFileSync(join(target, 'trading.db'));
    assert.equal(rebuilt.length, result.manifest.size);
    assert.equal(createHash('sha256').update(rebuilt).digest('hex'), result.manifest.sha256);
  }
  // The newer snapshot holds the database's current content (the backup API rewrites a few header bytes, so compare rows).
  const sumPrices = (path: string) => {
    const conn = new Database(path, { readonly: true });
    try {
      return conn.prepare('SELECT count(*) AS n, sum(price) AS total FROM trades').get();
    } finally {
      conn.close();
    }
  };
  assert.deepEqual(sumPrices(join(dir, `restic-${second.snapshotId.slice(0, 8)}`, 'trading.db')), sumPrices(dbPath));
});

function repoFiles(repoPath: string): string[] {
  const out: string[] = [];
  for (const sub of ['data', 'index', 'snapshots', 'locks']) {
    const walk = (d: string): void => {
      for (const e of readdirSync(d, { withFileTypes: true })) {
        if (e.isDirectory()) walk(join(d, e.name));
        else out.push(join(d, e.name));
      }
    };
    walk(join(repoPath, sub));
  }
  return out.sort();
}

test('a missing database, a file that is not SQLite, or a missing table fails clearly and writes nothing', async (t) => {
  const dir = tempDir(t);
  const tmpDir = join(dir, 'tmp');
  const { repo, path: repoPath } = await newRepo(dir);
  const good = join(dir, 'good.db');
  createTradingDb(good, { accounts: 2, trades: 20 });
  await snapshotDatabase(repo, { dbPath: good, tmpDir });
  const before = repoFiles(repoPath);

  const notDb = join(dir, 'notes.db');
  writeFileSync(notDb, 'just some text, not pages\n'.repeat(50));
  const noAudit = join(dir, 'no-audit.db');
  const db = new Database(noAudit);
  db.exec('CREATE TABLE trades (id INTEGER PRIMARY KEY); CREATE TABLE positions (id INTEGER); CREATE TABLE accounts (id INTEGER)');
  db.close();

  const cases: { dbPath: string; requiredTables?: string[]; kind: BackupError['kind']; message: RegExp }[] = [
    { dbPath: join(dir, 'gone.db'), kind: 'not-found', message: /gone\.db does not exist/ },
    { dbPath: notDb, kind: 'permanent', message: /notes\.db is not a SQLite database/ },
    { dbPath: noAudit, kind: 'permanent', message: /no-audit\.db has no table 'audit_trail'/ },
    { dbPath: good, requiredTables: ['trades', 'orders'], kind: 'permanent', message: /good\.db has no table 'orders'/ },
  ];
  for (const c of cases) {
    await assert.rejects(snapshotDatabase(repo, { dbPath: c.dbPath, tmpDir, requiredTables: c.requiredTables }), (err: unknown) => {
      assert.ok(err instanceof BackupError, String(err));
      assert.equal(err.kind, c.kind);
      assert.match(err.message, c.message);
      assert.ok(!err.message.includes('\n'), 'a one-line message');
      return true;
    });
  }
  assert.deepEqual(repoFiles(repoPath), before, 'no pack, index, snapshot or lock was written');
  assert.equal((await repo.listSnapshots()).length, 1);
  assert.deepEqual(readdirSync(tmpDir), []);
});

test('a cancelled snapshot releases the lock, removes its copy and saves no snapshot', async (t) => {
  const dir = tempDir(t);
  const dbPath = join(dir, 'trading.db');
  createTradingDb(dbPath, { accounts: 3, trades: 100, targetBytes: 4e6 });
  const { repo, path: repoPath } = await newRepo(dir);
  const controller = new AbortController();
  const phases = new Set<string>();
  await assert.rejects(
    snapshotDatabase(repo, {
      dbPath,
      tmpDir: join(dir, 'tmp'),
      signal: controller.signal,
      onProgress: (p) => {
        phases.add(p.phase);
        if (p.phase === 'store' && p.bytes >= p.totalBytes / 2) controller.abort();
      },
    }),
    (err: unknown) => err instanceof BackupError && /cancelled/.test(err.message),
  );
  assert.deepEqual([...phases], ['copy', 'verify', 'store']);
  assert.deepEqual(readdirSync(join(repoPath, 'locks')), []);
  assert.deepEqual(readdirSync(join(repoPath, 'snapshots')), []);
  assert.deepEqual(readdirSync(join(dir, 'tmp')), []);
});
