import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { chmodSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { LocalBackend } from '../../../../main/engine/backends/local-backend.ts';
import { checkRepository } from '../../../../main/engine/repo/check.ts';
import { Repository } from '../../../../main/engine/repo/repository.ts';
import type { Id, TreeNode } from '../../../../main/engine/repo/types.ts';
import { formatDate } from '../../../../main/engine/util/rfc3339.ts';
import { requireTool } from '../../../support/tools.ts';
import { tempDir } from '../../../support/temp-dir.ts';
import { FAST_KDF, PASSWORD, restic } from './fixtures.ts';

interface Fixture {
  repo: Repository;
  dir: string;
  snapshots: Id[];
  /** Pack holding the data blob that only the second snapshot uses. */
  victimPack: Id;
}

const NOW = formatDate(new Date());

function fileNode(name: string, content: Id[], size: number): TreeNode {
  return { name: Buffer.from(name), type: 'file', mode: 0o644, mtime: NOW, atime: NOW, ctime: NOW, uid: 0, gid: 0, content, size };
}

/** Two snapshots sharing one file; the second has one more file, in its own pack. */
async function makeRepo(t: TestContext): Promise<Fixture> {
  const dir = join(tempDir(t), 'repo');
  const repo = await Repository.init(new LocalBackend(dir), PASSWORD, { kdf: FAST_KDF, packSize: 1024 });
  const shared = randomBytes(3000);
  const only = randomBytes(3000);
  const a = await repo.saveBlob('data', shared);
  const t1 = await repo.saveTree({ nodes: [fileNode('shared.bin', [a.id], shared.length)] });
  const s1 = await repo.saveSnapshot({ time: NOW, tree: t1.id, paths: ['/d'], hostname: 'h', username: 'u', uid: 0, gid: 0 });
  const b = await repo.saveBlob('data', only);
  const t2 = await repo.saveTree({ nodes: [fileNode('only.bin', [b.id], only.length), fileNode('shared.bin', [a.id], shared.length)] });
  const s2 = await repo.saveSnapshot({ time: NOW, tree: t2.id, paths: ['/d'], hostname: 'h', username: 'u', uid: 0, gid: 0 });
  const victimPack = repo.masterIndex.lookup('data', b.id)[0]!.packId;
  return { repo, dir, snapshots: [s1, s2], victimPack };
}

function packPath(dir: string, id: Id): string {
  return join(dir, 'data', id.slice(0, 2), id);
}

test('a healthy repository checks clean, with and without reading data', async (t) => {
  const { repo } = await makeRepo(t);
  const progress: string[] = [];
  for (const readData of [false, true]) {
    const report = await checkRepository(repo, { readData, onProgress: (p) => progress.push(p.phase) });
    assert.deepEqual(report.errors, []);
    assert.equal(report.ok, true);
    assert.equal(report.snapshots, 2);
    assert.equal(report.trees, 2);
    assert.equal(report.packsChecked, repo.masterIndex.packCount);
  }
  assert.ok(progress.includes('read-data') && progress.includes('snapshots'));
});

test('read-data finds a flipped byte and names the pack and the snapshot; restic agrees', async (t) => {
  const { repo, dir, snapshots, victimPack } = await makeRepo(t);
  const path = packPath(dir, victimPack);
  const bytes = readFileSync(path);
  bytes[100]! ^= 0xff;
  chmodSync(path, 0o600);
  writeFileSync(path, bytes);

  assert.equal((await checkRepository(repo, { readData: false })).ok, true, 'sizes are unchanged: only reading finds it');
  const report = await checkRepository(repo, { readData: true });
  assert.equal(report.ok, false);
  assert.ok(report.errors.some((e) => e.pack === victimPack && /does not match its name/.test(e.message)), JSON.stringify(report.errors));
  const hurt = report.errors.find((e) => e.snapshot !== undefined);
  assert.ok(hurt, JSON.stringify(report.errors));
  assert.equal(hurt.snapshot, snapshots[1]);
  assert.equal(hurt.pack, victimPack);
  assert.match(hurt.message, new RegExp(`damaged in pack ${victimPack.slice(0, 8)}.*snapshot ${snapshots[1]!.slice(0, 8)}\\)`));
  assert.ok(!report.errors.some((e) => e.snapshot === snapshots[0]), 'the first snapshot does not use the damaged blob');

  if (!requireTool(t, 'restic')) return;
  assert.notEqual(restic(dir, ['check', '--read-data']).status, 0);
});

test('a missing or truncated pack is found without reading data; restic agrees', async (t) => {
  const { repo, dir, snapshots, victimPack } = await makeRepo(t);
  rmSync(packPath(dir, victimPack));
  const report = await checkRepository(repo, { readData: false });
  assert.equal(report.ok, false);
  assert.ok(report.errors.some((e) => e.pack === victimPack && /missing/.test(e.message)));
  assert.ok(report.errors.some((e) => e.snapshot === snapshots[1] && e.pack === victimPack));

  const other = [...repo.masterIndex.packEntries().keys()].find((id) => id !== victimPack && repo.masterIndex.packEntries().get(id)!.some((e) => e.type === 'data'))!;
  chmodSync(packPath(dir, other), 0o600);
  truncateSync(packPath(dir, other), 100);
  const again = await checkRepository(repo, { readData: false });
  assert.ok(again.errors.some((e) => e.pack === other && /is 100 bytes, the index implies/.test(e.message)), JSON.stringify(again.errors));

  if (!requireTool(t, 'restic')) return;
  assert.notEqual(restic(dir, ['check']).status, 0);
});

test('a pack no index refers to is a warning, not an error', async (t) => {
  const { repo } = await makeRepo(t);
  const stray = randomBytes(100);
  const { createHash } = await import('node:crypto');
  await repo.backend.save({ type: 'data', name: createHash('sha256').update(stray).digest('hex') }, stray);
  const report = await checkRepository(repo, { readData: true });
  assert.equal(report.ok, true);
  assert.equal(report.warnings.length, 1);
  assert.match(report.warnings[0]!, /not referenced by any index/);
});

test('a damaged snapshot file and a missing tree are reported with the snapshot', async (t) => {
  const { repo, dir, snapshots } = await makeRepo(t);
  const snapPath = join(dir, 'snapshots', snapshots[0]!);
  chmodSync(snapPath, 0o600);
  writeFileSync(snapPath, 'garbage');
  const ghostTree = 'ab'.repeat(32);
  const ghost = await repo.saveUnpacked('snapshot', JSON.stringify({ time: NOW, tree: ghostTree, paths: ['/x'] }));
  const report = await checkRepository(repo, { readData: false });
  assert.ok(report.errors.some((e) => e.snapshot === snapshots[0] && /cannot be read/.test(e.message)), JSON.stringify(report.errors));
  assert.ok(report.errors.some((e) => e.snapshot === ghost && /tree blob abababab is not in the index/.test(e.message)), JSON.stringify(report.errors));
});
