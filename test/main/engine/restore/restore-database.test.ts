import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { LocalBackend } from '../../../../main/engine/backends/local-backend.ts';
import { BackupError } from '../../../../main/engine/errors.ts';
import { Repository } from '../../../../main/engine/repo/repository.ts';
import type { TreeNode } from '../../../../main/engine/repo/types.ts';
import { restoreDatabase } from '../../../../main/engine/restore/restore-database.ts';
import { encodeDatabaseManifest } from '../../../../main/engine/sources/sqlite/database-manifest.ts';
import { snapshotDatabase } from '../../../../main/engine/sources/sqlite/database-snapshot.ts';
import type { DatabaseSnapshotResult } from '../../../../main/engine/sources/sqlite/database-snapshot.ts';
import { tempDir } from '../../../support/temp-dir.ts';
import { checkInvariant, createTradingDb } from '../../../support/trading-db.ts';

async function setup(t: Parameters<typeof tempDir>[0]): Promise<{ dir: string; repo: Repository; snap: DatabaseSnapshotResult }> {
  const dir = tempDir(t);
  const dbPath = join(dir, 'trading.db');
  createTradingDb(dbPath, { accounts: 5, trades: 2000, targetBytes: 3e6 });
  const repo = await Repository.init(new LocalBackend(join(dir, 'repo')), 'pw', { kdf: { N: 1024, r: 8, p: 1 } });
  const snap = await snapshotDatabase(repo, { dbPath, tmpDir: join(dir, 'tmp') });
  return { dir, repo, snap };
}

const sha256 = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

function expectError(kind: BackupError['kind'], pattern: RegExp) {
  return (err: unknown) => {
    assert.ok(err instanceof BackupError, String(err));
    assert.equal(err.kind, kind);
    assert.match(err.message, pattern);
    return true;
  };
}

test('refuses an existing target without force, and replaces it with force', async (t) => {
  const { dir, repo, snap } = await setup(t);
  const out = join(dir, 'out');
  const target = join(out, 'trading.db');

  const fresh = await restoreDatabase(repo, snap.snapshotId.slice(0, 10), { to: target });
  assert.equal(fresh.path, target);
  assert.equal(fresh.sha256, snap.manifest.sha256);
  assert.equal(sha256(target), snap.manifest.sha256);
  assert.equal(fresh.size, snap.manifest.size);
  assert.equal(fresh.integrityCheck, 'ok');
  assert.deepEqual(fresh.tables, snap.manifest.verification.tables);
  assert.deepEqual(readdirSync(out), ['trading.db'], 'no partial or sidecar files are left');
  // (Opening it read-only leaves -wal/-shm beside it; the forced restore below must clear those.)
  assert.deepEqual(checkInvariant(target).violations, []);

  writeFileSync(target, 'precious data someone still needs');
  await assert.rejects(restoreDatabase(repo, 'latest', { to: target }), expectError('permanent', /trading\.db already exists.*--force/));
  assert.equal(readFileSync(target, 'utf8'), 'precious data someone still needs');
  writeFileSync(`${target}-shm`, 'stale shared memory');
  const forced = await restoreDatabase(repo, 'latest', { to: target, force: true });
  assert.equal(forced.sha256, snap.manifest.sha256);
  assert.equal(sha256(target), snap.manifest.sha256);
  assert.equal((statSync(target).mode & 0o777), 0o600, 'a restored database is private');
  // --force moves the replaced file and its sidecars aside instead of deleting them.
  assert.ok(forced.replacedTo, 'the result says where the replaced database went');
  assert.equal(readFileSync(forced.replacedTo!, 'utf8'), 'precious data someone still needs');
  assert.equal(readFileSync(`${forced.replacedTo!}-shm`, 'utf8'), 'stale shared memory');
  for (const suffix of ['', '-wal', '-shm']) rmSync(`${forced.replacedTo!}${suffix}`, { force: true });

  // A stale WAL without its database would be replayed into the restored file: it counts as an existing target.
  const lonely = join(out, 'lonely.db');
  writeFileSync(`${lonely}-wal`, 'stale wal frames');
  await assert.rejects(restoreDatabase(repo, 'latest', { to: lonely }), expectError('permanent', /lonely\.db-wal already exists.*--force/));
  const lonelyForced = await restoreDatabase(repo, 'latest', { to: lonely, force: true });
  assert.equal(sha256(lonely), snap.manifest.sha256);
  assert.equal(readFileSync(`${lonelyForced.replacedTo!}-wal`, 'utf8'), 'stale wal frames', 'the WAL moved aside, not deleted');
  rmSync(`${lonelyForced.replacedTo!}-wal`);
  assert.deepEqual(readdirSync(out).sort(), ['lonely.db', 'trading.db'], 'no partial, stale or sidecar files are left');
});

test('rejects a snapshot that is not a database snapshot', async (t) => {
  const { dir, repo } = await setup(t);
  const now = new Date().toISOString();
  const blob = await repo.saveBlob('data', Buffer.from('hello'));
  const node: TreeNode = { name: Buffer.from('notes.txt'), type: 'file', mode: 0o644, mtime: now, atime: now, ctime: now, uid: 0, gid: 0, size: 5, content: [blob.id] };
  const tree = await repo.saveTree({ nodes: [node] });
  const id = await repo.saveSnapshot({ time: now, tree: tree.id, paths: ['/home/trader/notes'], hostname: 'h', username: 'u', uid: 0, gid: 0, tags: ['quantai', 'tier:2'] });
  const out = join(dir, 'out');
  await assert.rejects(restoreDatabase(repo, id, { to: join(out, 'x.db') }), expectError('permanent', /snapshot [0-9a-f]{8} \(\/home\/trader\/notes\) is not a database snapshot/));
  await assert.rejects(restoreDatabase(repo, 'ffffffff', { to: join(out, 'x.db') }), expectError('not-found', /no snapshot ffffffff/));
});

test('a restore whose bytes do not match the manifest fails and leaves nothing behind', async (t) => {
  const { dir, repo, snap } = await setup(t);
  // A snapshot whose manifest claims another checksum, as a damaged or tampered manifest would.
  const entry = await repo.findSnapshot(snap.snapshotId);
  const root = await repo.loadTree(entry.snapshot.tree);
  const wrong = { ...snap.manifest, sha256: 'f'.repeat(64) };
  const manifestBytes = encodeDatabaseManifest(wrong);
  const manifestBlob = await repo.saveBlob('data', manifestBytes);
  const nodes = root.nodes.map((n) =>
    n.name.toString().endsWith('.manifest.json') ? { ...n, content: [manifestBlob.id], size: manifestBytes.length } : n,
  );
  const tree = await repo.saveTree({ nodes });
  const bad = await repo.saveSnapshot({ ...entry.snapshot, tree: tree.id });

  const out = join(dir, 'out');
  await assert.rejects(restoreDatabase(repo, bad, { to: join(out, 'trading.db') }), expectError('fatal', /does not match snapshot/));
  assert.deepEqual(readdirSync(out), [], 'the partial file was removed');
});
