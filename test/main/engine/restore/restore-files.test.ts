/**
 * restoreFiles beyond the round trip in file-backup.test.ts: include
 * subsets, hostile trees that try to escape the target, and a target that
 * already holds symlinks.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, lstatSync, mkdirSync, readFileSync, readdirSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isBackupError } from '../../../../main/engine/errors.ts';
import type { Repository } from '../../../../main/engine/repo/repository.ts';
import type { Id, TreeNode } from '../../../../main/engine/repo/types.ts';
import { restoreFiles } from '../../../../main/engine/restore/restore-files.ts';
import { backupFiles } from '../../../../main/engine/sources/files/file-backup.ts';
import { describeTree, diffTrees, writeTree } from '../../../support/file-tree.ts';
import { tempDir } from '../../../support/temp-dir.ts';
import { newRepository } from '../sources/files/repo-fixture.ts';

const TIME = '2024-03-01T12:00:00.5Z';

function node(name: string | Buffer, type: TreeNode['type'], extra: Partial<TreeNode> = {}): TreeNode {
  return { name: Buffer.from(name), type, mode: type === 'dir' ? 2 ** 31 + 0o755 : 0o644, mtime: TIME, atime: TIME, ctime: TIME, uid: 0, gid: 0, ...extra };
}

/** A snapshot whose root holds `nodes` inside folder "x", built directly with saveTree. */
async function craftedSnapshot(repo: Repository, nodes: TreeNode[]): Promise<Id> {
  const content = [(await repo.saveBlob('data', Buffer.from('payload'))).id];
  const withContent = nodes.map((n) => (n.type === 'file' ? { ...n, size: 7, content } : n));
  const inner = await repo.saveTree({ nodes: withContent });
  const root = await repo.saveTree({ nodes: [node('x', 'dir', { subtree: inner.id })] });
  return repo.saveSnapshot({ time: TIME, tree: root.id, paths: ['/x'], hostname: 'h', username: 'u', uid: 0, gid: 0 });
}

const listAll = (dir: string): string[] => (existsSync(dir) ? readdirSync(dir, { recursive: true }).map(String) : []);

test('names that would escape the target are refused before anything is written', async (t) => {
  const dir = tempDir(t);
  const { repo } = await newRepository(dir);
  for (const bad of ['..', '.', 'a/b', '../../etc/passwd', 'nul\0byte']) {
    const id = await craftedSnapshot(repo, [node('aaa-first.txt', 'file'), node(bad, 'file')]);
    const target = join(dir, `target-${Buffer.from(bad).toString('hex')}`);
    await assert.rejects(restoreFiles(repo, id, { target }), (err) => {
      assert.ok(isBackupError(err) && err.kind === 'permanent', String(err));
      assert.ok(err.message.includes(JSON.stringify(bad)), `${err.message} should name ${JSON.stringify(bad)}`);
      return true;
    });
    assert.deepEqual(listAll(target), [], `nothing was written for ${JSON.stringify(bad)}`);
  }
  assert.deepEqual(readdirSync(dir).filter((n) => n !== 'repo' && !n.startsWith('target-')), [], 'nothing appeared beside the targets');
});

test('a hostile name deep inside a folder is also caught up front', async (t) => {
  const dir = tempDir(t);
  const { repo } = await newRepository(dir);
  const evilInner = await repo.saveTree({ nodes: [{ ...node('..', 'file'), size: 0, content: [] }] });
  const id = await craftedSnapshot(repo, [node('a.txt', 'file'), node('sub', 'dir', { subtree: evilInner.id })]);
  const target = join(dir, 'target');
  await assert.rejects(restoreFiles(repo, id, { target }), /unsafe entry name "\.\." in \/x\/sub/);
  assert.deepEqual(listAll(target), []);
});

test('a symlink already in the target is never written through', async (t) => {
  const dir = tempDir(t);
  const src = join(dir, 'src');
  writeTree(src, { 'a.txt': 'new content', sub: { 'b.txt': 'b' } });
  const { repo } = await newRepository(dir);
  const { snapshotId } = await backupFiles(repo, { paths: [src] });
  const outside = join(dir, 'outside');
  mkdirSync(outside);
  writeFileSync(join(outside, 'victim.txt'), 'untouched');

  // A folder on the way is a symlink: refused.
  const t1 = join(dir, 't1');
  mkdirSync(join(t1, src, '..'), { recursive: true });
  symlinkSync(outside, join(t1, src));
  await assert.rejects(restoreFiles(repo, snapshotId, { target: t1 }), (err) => isBackupError(err) && /symlink/.test(err.message));
  assert.deepEqual(readdirSync(outside), ['victim.txt']);

  // A file's place holds a symlink: the link is replaced, its target untouched.
  const t2 = join(dir, 't2');
  mkdirSync(join(t2, src), { recursive: true });
  symlinkSync(join(outside, 'victim.txt'), join(t2, src, 'a.txt'));
  await restoreFiles(repo, snapshotId, { target: t2 });
  assert.equal(readFileSync(join(outside, 'victim.txt'), 'utf8'), 'untouched');
  assert.equal(lstatSync(join(t2, src, 'a.txt')).isFile(), true);
  assert.equal(readFileSync(join(t2, src, 'a.txt'), 'utf8'), 'new content');
});

test('include restores a glob subset, or a folder with everything below it', async (t) => {
  const dir = tempDir(t);
  const src = join(dir, 'src');
  writeTree(src, {
    data: { 'a.csv': 'a', 'b.csv': 'b', 'notes.txt': 'n', sub: { 'c.csv': 'c', deeper: { 'd.bin': 'd' } } },
    other: { 'e.csv': 'e' },
  });
  const { repo } = await newRepository(dir);
  await backupFiles(repo, { paths: [src] });

  const t1 = join(dir, 't1');
  const r1 = await restoreFiles(repo, 'latest', { target: t1, include: [`${src}/data/*.csv`] });
  assert.deepEqual(readdirSync(join(t1, src)).sort(), ['data']);
  assert.deepEqual(readdirSync(join(t1, src, 'data')).sort(), ['a.csv', 'b.csv']);
  assert.equal(r1.files, 2);

  const t2 = join(dir, 't2');
  const r2 = await restoreFiles(repo, 'latest', { target: t2, include: [`${src}/data/sub`] });
  assert.deepEqual(diffTrees(describeTree(join(src, 'data', 'sub')), describeTree(join(t2, src, 'data', 'sub'))), []);
  assert.deepEqual(readdirSync(join(t2, src, 'data')), ['sub']);
  assert.equal(r2.files, 2);

  const t3 = join(dir, 't3');
  await restoreFiles(repo, 'latest', { target: t3, include: ['**/e.csv', `${src}/data/notes.txt`] });
  assert.equal(readFileSync(join(t3, src, 'other', 'e.csv'), 'utf8'), 'e');
  assert.equal(readFileSync(join(t3, src, 'data', 'notes.txt'), 'utf8'), 'n');
  assert.deepEqual(readdirSync(join(t3, src, 'data')), ['notes.txt']);

  await assert.rejects(restoreFiles(repo, 'latest', { target: join(dir, 't4'), include: ['/nowhere/*'] }), (err) => isBackupError(err) && err.kind === 'not-found');
});

test('read-only folders, modes and times come back after their contents', async (t) => {
  const dir = tempDir(t);
  const src = join(dir, 'src');
  writeTree(src, { ro: { entries: [['inside.txt', 'x']], mode: 0o555 }, 'exec.sh': { file: '#!/bin/sh\n', mode: 0o4750 } });
  const { repo } = await newRepository(dir);
  await backupFiles(repo, { paths: [src] });
  const target = join(dir, 'target');
  const result = await restoreFiles(repo, 'latest', { target });
  assert.deepEqual(result.warnings, []);
  assert.equal(statSync(join(target, src, 'ro')).mode & 0o7777, 0o555);
  assert.equal(statSync(join(target, src, 'exec.sh')).mode & 0o7777, 0o4750);
  assert.equal(Math.floor(statSync(join(target, src, 'ro')).mtimeMs), Math.floor(statSync(join(src, 'ro')).mtimeMs));
  assert.deepEqual(diffTrees(describeTree(src), describeTree(join(target, src))), []);
});
