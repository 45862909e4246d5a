import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { LocalBackend } from '../../../../main/engine/backends/local-backend.ts';
import { isBackupError } from '../../../../main/engine/errors.ts';
import { checkRepository } from '../../../../main/engine/repo/check.ts';
import { Repository } from '../../../../main/engine/repo/repository.ts';
import type { Id, Snapshot } from '../../../../main/engine/repo/types.ts';
import { formatDate } from '../../../../main/engine/util/rfc3339.ts';
import { requireTool } from '../../../support/tools.ts';
import { tempDir } from '../../../support/temp-dir.ts';
import { FAST_KDF, PASSWORD, readDirectory, readStoredTree, restic, resticOk, storeDirectory } from './fixtures.ts';
import { makeSourceTree } from './source-tree.ts';

function snapshotOf(tree: Id, paths: string[], extra: Partial<Snapshot> = {}): Snapshot {
  return { time: formatDate(new Date()), tree, paths, hostname: hostname(), username: 'tester', uid: 1000, gid: 1000, ...extra };
}

test('restic check --read-data accepts our repository and restore gives identical files and names', async (t) => {
  if (!requireTool(t, 'restic')) return;
  const dir = tempDir(t);
  const src = join(dir, 'src');
  mkdirSync(src);
  makeSourceTree(src, { bigRandom: 700 * 1024 });
  const repoDir = join(dir, 'repo');
  // Small packs: the 700 KiB random file spans several packs.
  const repo = await Repository.init(new LocalBackend(repoDir), PASSWORD, { kdf: FAST_KDF, packSize: 128 * 1024 });
  const tree = await storeDirectory(repo, src, 64 * 1024);
  const snapshotId = await repo.saveSnapshot(snapshotOf(tree, [src], { tags: ['kind:files'] }));

  // Both kinds of data blob were written: compressed (csv) and stored raw (random).
  const packs = repo.masterIndex.packEntries();
  const dataBlobs = [...packs.values()].flat().filter((e) => e.type === 'data');
  assert.ok(dataBlobs.some((e) => e.uncompressedLength !== undefined), 'some data blob is compressed');
  assert.ok(dataBlobs.some((e) => e.uncompressedLength === undefined && e.length > 1000), 'random data is stored uncompressed');
  assert.ok(dataBlobs.every((e) => !(e.uncompressedLength === 0)), 'an empty blob is never marked compressed');
  assert.ok(packs.size >= 4, `expected several packs, got ${packs.size}`);
  assert.ok(repo.packBytesWritten > 700 * 1024);

  const check = restic(repoDir, ['check', '--read-data']);
  assert.equal(check.status, 0, check.stdout + check.stderr);
  assert.match(check.stdout, /no errors were found/);

  const listed = JSON.parse(resticOk(repoDir, ['snapshots', '--json'])) as { id: string; paths: string[]; tags: string[] }[];
  assert.deepEqual(listed.map((s) => [s.id, s.paths, s.tags]), [[snapshotId, [src], ['kind:files']]]);

  const target = join(dir, 'restored');
  resticOk(repoDir, ['restore', 'latest', '--target', target]);
  const expected = readDirectory(Buffer.from(src));
  const actual = readDirectory(Buffer.from(target));
  assert.deepEqual([...actual.keys()].sort(), [...expected.keys()].sort());
  for (const [key, want] of expected) assert.deepEqual(actual.get(key), want, `entry ${key}`);

  const ours = await checkRepository(repo, { readData: true });
  assert.deepEqual(ours.errors, []);
  assert.equal(ours.ok, true);
  assert.equal(ours.packsChecked, packs.size);
});

/** Follows absolute path components from a snapshot's root tree. */
async function descend(repo: Repository, treeId: Id, path: string): Promise<Id> {
  let current = treeId;
  for (const part of path.split('/').filter(Boolean)) {
    const node = (await repo.loadTree(current)).nodes.find((n) => n.name.equals(Buffer.from(part)));
    assert.ok(node?.subtree, `no directory ${part} in tree ${current}`);
    current = node.subtree;
  }
  return current;
}

test('we read a repository written by restic: every file\'s bytes and names', async (t) => {
  if (!requireTool(t, 'restic')) return;
  const dir = tempDir(t);
  const src = join(dir, 'src');
  mkdirSync(src);
  makeSourceTree(src, { bigRandom: 3 * 1024 * 1024 }); // several restic chunks
  const repoDir = join(dir, 'repo');
  resticOk(repoDir, ['init', '--repository-version', '2']);
  resticOk(repoDir, ['backup', src]);
  const passwordFile = join(dir, 'pw2');
  writeFileSync(passwordFile, 'second password\n');
  resticOk(repoDir, ['key', 'add', '--new-password-file', passwordFile]);

  for (const password of [PASSWORD, 'second password']) {
    const repo = await Repository.open(new LocalBackend(repoDir), password);
    const latest = await repo.findSnapshot('latest');
    assert.deepEqual(latest.snapshot.paths, [src]);
    const stored = await readStoredTree(repo, await descend(repo, latest.snapshot.tree, src));
    const expected = readDirectory(Buffer.from(src));
    assert.deepEqual([...stored.keys()].sort(), [...expected.keys()].sort());
    for (const [key, want] of expected) assert.deepEqual(stored.get(key), want, `entry ${key}`);
    if (password === PASSWORD) {
      const report = await checkRepository(repo, { readData: true });
      assert.deepEqual(report.errors, []);
      assert.ok(report.trees > 3);
    }
  }

  await assert.rejects(Repository.open(new LocalBackend(repoDir), 'not the password'), (err: unknown) => {
    assert.ok(isBackupError(err));
    assert.equal(err.kind, 'permanent');
    assert.ok(err.message.startsWith('repository password is wrong'), err.message);
    return true;
  });
});

test('a wrong password is refused with the exact message; restic refuses it too', async (t) => {
  const dir = tempDir(t);
  const repoDir = join(dir, 'repo');
  await Repository.init(new LocalBackend(repoDir), PASSWORD, { kdf: FAST_KDF });
  await assert.rejects(Repository.open(new LocalBackend(repoDir), 'wrong'), (err: unknown) => {
    assert.ok(isBackupError(err));
    assert.equal(err.kind, 'permanent');
    assert.ok(err.message.startsWith('repository password is wrong'), err.message);
    return true;
  });
  if (!requireTool(t, 'restic')) return;
  const r = restic(repoDir, ['snapshots'], 'wrong');
  assert.notEqual(r.status, 0);
  assert.equal(restic(repoDir, ['snapshots']).status, 0, 'restic opens our key file with the right password');
});

test('open refuses an empty or missing folder, init refuses a non-empty one or an existing repository', async (t) => {
  const dir = tempDir(t);
  mkdirSync(join(dir, 'empty'));
  for (const path of [join(dir, 'empty'), join(dir, 'missing')]) {
    await assert.rejects(Repository.open(new LocalBackend(path), PASSWORD), (err: unknown) => {
      assert.ok(isBackupError(err));
      assert.match(err.message, /^no repository at .* \(the folder is empty or missing: is the NAS or drive mounted\? Run `quantai-backup init` only for a new repository\)$/);
      return true;
    });
  }
  mkdirSync(join(dir, 'photos'));
  writeFileSync(join(dir, 'photos', 'a.jpg'), 'x');
  await assert.rejects(Repository.init(new LocalBackend(join(dir, 'photos')), PASSWORD, { kdf: FAST_KDF }), /is not empty and holds no repository/);
  await Repository.init(new LocalBackend(join(dir, 'repo')), PASSWORD, { kdf: FAST_KDF });
  await assert.rejects(Repository.init(new LocalBackend(join(dir, 'repo')), PASSWORD, { kdf: FAST_KDF }), /already exists/);
});

test('saveBlob deduplicates, reads pending blobs, and flush writes one index for the new packs', async (t) => {
  const repoDir = join(tempDir(t), 'repo');
  const backend = new LocalBackend(repoDir);
  const repo = await Repository.init(backend, PASSWORD, { kdf: FAST_KDF });
  const a = await repo.saveBlob('data', Buffer.from('alpha'.repeat(100)));
  assert.equal(a.stored, true);
  assert.ok(a.storedBytes > 0 && a.storedBytes < 500, 'compressed');
  const again = await repo.saveBlob('data', Buffer.from('alpha'.repeat(100)));
  assert.deepEqual(again, { id: a.id, stored: false, storedBytes: 0 });
  assert.equal(repo.hasBlob('data', a.id), true);
  assert.equal(repo.hasBlob('tree', a.id), false, 'blob types are separate');
  assert.deepEqual(await repo.loadBlob('data', a.id), Buffer.from('alpha'.repeat(100)), 'readable before flush');
  const empty = await repo.saveBlob('data', Buffer.alloc(0));
  assert.equal(empty.id, 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  assert.deepEqual(await backend.list('index'), []);
  await repo.flush();
  assert.equal((await backend.list('index')).length, 1);
  assert.equal((await backend.list('data')).length, 1);
  await repo.flush();
  assert.equal((await backend.list('index')).length, 1, 'nothing new, no new index');
  assert.deepEqual(repo.stats(), {
    packBytesWritten: (await backend.list('data'))[0]!.size,
    indexBytesWritten: (await backend.list('index'))[0]!.size,
    blobsStored: 2,
    blobsDeduped: 1,
  });

  const reopened = await Repository.open(backend, PASSWORD);
  assert.equal(reopened.id, repo.id);
  assert.deepEqual(await reopened.loadBlob('data', empty.id), Buffer.alloc(0));
  await assert.rejects(reopened.loadBlob('data', 'ab'.repeat(32)), (err: unknown) => isBackupError(err) && err.kind === 'not-found');
});

test('concurrent saveBlob calls never store a blob twice and flush waits for every pack', async (t) => {
  const repoDir = join(tempDir(t), 'repo');
  const repo = await Repository.init(new LocalBackend(repoDir), PASSWORD, { kdf: FAST_KDF, packSize: 4096 });
  const blobs = Array.from({ length: 200 }, (_, i) => Buffer.from(`blob ${i % 50} `.repeat(100 + (i % 50))));
  const results = await Promise.all(blobs.map((b) => repo.saveBlob('data', b)));
  await repo.flush();
  assert.equal(results.filter((r) => r.stored).length, 50);
  assert.equal(repo.blobsDeduped, 150);
  const reopened = await Repository.open(new LocalBackend(repoDir), PASSWORD);
  assert.equal(reopened.masterIndex.blobCount, 50);
  for (const b of blobs.slice(0, 50)) assert.ok(reopened.hasBlob('data', results[blobs.indexOf(b)]!.id));
});

test('snapshots: list in time order, find by id, prefix and latest, refuse unknown refs', async (t) => {
  const repoDir = join(tempDir(t), 'repo');
  const repo = await Repository.init(new LocalBackend(repoDir), PASSWORD, { kdf: FAST_KDF });
  const tree = (await repo.saveTree({ nodes: [] })).id;
  const times = ['2024-03-01T10:00:00+02:00', '2024-03-01T09:30:00Z', '2024-03-01T07:59:59.999999999Z'];
  const ids: Id[] = [];
  for (const time of times) ids.push(await repo.saveSnapshot(snapshotOf(tree, ['/data'], { time })));
  const listed = await repo.listSnapshots();
  assert.deepEqual(listed.map((e) => e.snapshot.time), [times[2], times[0], times[1]]);
  assert.equal((await repo.findSnapshot('latest')).id, ids[1]);
  assert.equal((await repo.findSnapshot(ids[0]!)).id, ids[0]);
  assert.equal((await repo.findSnapshot(ids[2]!.slice(0, 10))).snapshot.time, times[2]);
  await assert.rejects(repo.findSnapshot('ffff'.repeat(16)), (err: unknown) => isBackupError(err) && err.kind === 'not-found');
  await assert.rejects(repo.findSnapshot('nonsense!'), (err: unknown) => isBackupError(err) && err.kind === 'not-found');
  await assert.rejects(repo.findSnapshot(''), (err: unknown) => isBackupError(err) && err.kind === 'not-found');
  await assert.rejects(repo.saveSnapshot(snapshotOf('cd'.repeat(32), ['/x'])), /never saved/);
});

test('a snapshot is refused when an earlier pack upload failed', async (t) => {
  const repoDir = join(tempDir(t), 'repo');
  const backend = new LocalBackend(repoDir);
  const repo = await Repository.init(backend, PASSWORD, { kdf: FAST_KDF, packSize: 1024 });
  const original = backend.save.bind(backend);
  backend.save = async (handle, data) => {
    if (handle.type === 'data') throw new Error('disk on fire');
    return original(handle, data);
  };
  const tree = await repo.saveTree({ nodes: [] });
  await assert.rejects(repo.saveBlob('data', randomBytes(4000)), /disk on fire/);
  await assert.rejects(repo.saveBlob('data', Buffer.from('later')), /earlier pack upload failed/);
  await assert.rejects(repo.saveSnapshot(snapshotOf(tree.id, ['/x'])), /earlier pack upload failed/);
  assert.deepEqual(await backend.list('snapshot'), []);
});

test('init uses restic\'s default scrypt parameters unless told otherwise', async (t) => {
  const repoDir = join(tempDir(t), 'repo');
  const backend = new LocalBackend(repoDir);
  await Repository.init(backend, PASSWORD);
  const [key] = await backend.list('key');
  const json = JSON.parse((await backend.load({ type: 'key', name: key!.name })).toString('utf8')) as Record<string, unknown>;
  assert.deepEqual([json.kdf, json.N, json.r, json.p], ['scrypt', 32768, 8, 1]);
  assert.equal((await Repository.open(backend, PASSWORD)).backend, backend);
});
