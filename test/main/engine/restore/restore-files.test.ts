/**
 * restoreFiles beyond the round trip in file-backup.test.ts: include
 * subsets, hostile trees that try to escape the target, a target that
 * already holds symlinks, and one that already holds files (refused without
 * force, replaced atomically with it).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, lstatSync, mkdirSync, readFileSync, readdirSync, readlinkSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
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

  // A folder on the way is a symlink: refused, with force too.
  const t1 = join(dir, 't1');
  mkdirSync(join(t1, src, '..'), { recursive: true });
  symlinkSync(outside, join(t1, src));
  for (const force of [false, true]) {
    await assert.rejects(restoreFiles(repo, snapshotId, { target: t1, force }), (err) => isBackupError(err) && /symlink/.test(err.message));
    assert.deepEqual(readdirSync(outside), ['victim.txt']);
  }

  // A file's place holds a symlink: refused without force (the link stays as it was)...
  const t2 = join(dir, 't2');
  mkdirSync(join(t2, src), { recursive: true });
  symlinkSync(join(outside, 'victim.txt'), join(t2, src, 'a.txt'));
  await assert.rejects(restoreFiles(repo, snapshotId, { target: t2 }), /1 file already exists/);
  assert.equal(readlinkSync(join(t2, src, 'a.txt')), join(outside, 'victim.txt'));
  assert.deepEqual(readdirSync(join(t2, src)), ['a.txt']);
  // ...and with force the link itself is replaced, its target untouched.
  await restoreFiles(repo, snapshotId, { target: t2, force: true });
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

/** Names, kinds, contents and mtimes under `root`, to show a refused restore changed nothing. */
function fingerprint(root: string): string[] {
  return listAll(root).sort().map((rel) => {
    const p = join(root, rel);
    const st = lstatSync(p);
    const what = st.isSymbolicLink() ? `-> ${readlinkSync(p)}` : st.isDirectory() ? 'dir' : readFileSync(p, 'utf8');
    return `${rel} ${what} ${st.isDirectory() ? '' : st.mtimeMs}`;
  });
}

test('an existing file is never overwritten without force; force replaces it', async (t) => {
  const dir = tempDir(t);
  const src = join(dir, 'src');
  writeTree(src, { 'a.txt': 'from the snapshot', 'hl.txt': { hardlink: 'a.txt' }, sub: { 'b.txt': 'b', 'c.txt': 'c' }, link: { symlink: 'a.txt' } });
  const { repo } = await newRepository(dir);
  const { snapshotId } = await backupFiles(repo, { paths: [src] });

  // The user restored once, then edited a file and added one of their own.
  const target = join(dir, 'target');
  await restoreFiles(repo, snapshotId, { target });
  const edited = join(target, src, 'a.txt');
  writeFileSync(edited, 'edited by the user');
  utimesSync(edited, new Date('2030-01-02T03:04:05Z'), new Date('2030-01-02T03:04:05Z'));
  writeFileSync(join(target, src, 'sub', 'mine.txt'), 'not in the snapshot');
  const before = fingerprint(target);

  await assert.rejects(restoreFiles(repo, snapshotId, { target }), (err) => {
    assert.ok(isBackupError(err) && err.kind === 'permanent', String(err));
    assert.equal(
      err.message,
      `5 files already exist under ${target} (first: ${edited}): restore into an empty folder, or use --force to replace them`,
    );
    return true;
  });
  assert.deepEqual(fingerprint(target), before, 'nothing changed: content, mtime, nothing added or removed');
  assert.equal(readFileSync(edited, 'utf8'), 'edited by the user');
  assert.equal(statSync(edited).mtimeMs, new Date('2030-01-02T03:04:05Z').getTime());

  // include narrows the check to what would be restored.
  await assert.rejects(restoreFiles(repo, snapshotId, { target, include: [`${src}/sub/b.txt`] }), /1 file already exists under .*\/sub\/b\.txt\)/);
  assert.deepEqual(fingerprint(target), before);

  const result = await restoreFiles(repo, snapshotId, { target, force: true });
  assert.deepEqual(result.warnings, []);
  assert.equal(readFileSync(edited, 'utf8'), 'from the snapshot');
  assert.equal(Math.floor(statSync(edited).mtimeMs), Math.floor(statSync(join(src, 'a.txt')).mtimeMs));
  assert.equal(readlinkSync(join(target, src, 'link')), 'a.txt');
  assert.equal(statSync(join(target, src, 'hl.txt')).ino, statSync(edited).ino, 'the hard link is restored as one');
  assert.equal(readFileSync(join(target, src, 'sub', 'mine.txt'), 'utf8'), 'not in the snapshot', 'files not in the snapshot are left alone');
  assert.deepEqual(readdirSync(join(target, src, 'sub')).sort(), ['b.txt', 'c.txt', 'mine.txt'], 'no temporary files left');
  assert.deepEqual(readdirSync(join(target, src)).sort(), ['a.txt', 'hl.txt', 'link', 'sub']);
});

test('existing empty folders are reused; a folder where a file goes is refused even with force', async (t) => {
  const dir = tempDir(t);
  const src = join(dir, 'src');
  writeTree(src, { 'a.txt': 'a', sub: { 'b.txt': 'b' } });
  const { repo } = await newRepository(dir);
  const { snapshotId } = await backupFiles(repo, { paths: [src] });

  const target = join(dir, 'target');
  mkdirSync(join(target, src, 'sub'), { recursive: true });
  const result = await restoreFiles(repo, snapshotId, { target });
  assert.equal(result.files, 2);
  assert.deepEqual(diffTrees(describeTree(src), describeTree(join(target, src))), []);

  const t2 = join(dir, 't2');
  mkdirSync(join(t2, src, 'a.txt'), { recursive: true });
  const before = listAll(t2).sort();
  for (const force of [false, true]) {
    await assert.rejects(restoreFiles(repo, snapshotId, { target: t2, force }), /a folder with that name is already there/);
    assert.deepEqual(listAll(t2).sort(), before, 'nothing was written');
  }
});

test('an aborted forced restore leaves every target either as it was or restored, never missing', async (t) => {
  const dir = tempDir(t);
  const src = join(dir, 'src');
  const names = Array.from({ length: 8 }, (_, i) => `f${i}.txt`);
  writeTree(src, Object.fromEntries(names.map((n) => [n, `new ${n}`])));
  const { repo } = await newRepository(dir);
  const { snapshotId } = await backupFiles(repo, { paths: [src] });

  const target = join(dir, 'target');
  mkdirSync(join(target, src), { recursive: true });
  for (const n of names) writeFileSync(join(target, src, n), `old ${n}`);

  // Abort while the fourth file is half written: its temporary file exists, its blob read fails.
  const controller = new AbortController();
  const loadBlob = repo.loadBlob.bind(repo);
  let loads = 0;
  repo.loadBlob = async (type, id) => {
    if (type === 'data' && ++loads === 4) {
      assert.ok(readdirSync(join(target, src)).some((n) => n.endsWith('.tmp')), 'the file being restored is written under a temporary name');
      controller.abort(new Error('stopped by the test'));
      throw controller.signal.reason;
    }
    return loadBlob(type, id);
  };
  await assert.rejects(restoreFiles(repo, snapshotId, { target, force: true, signal: controller.signal }), /stopped by the test/);

  const contents = names.map((n) => readFileSync(join(target, src, n), 'utf8'));
  for (const [i, n] of names.entries()) assert.ok(contents[i] === `old ${n}` || contents[i] === `new ${n}`, `${n}: ${contents[i]}`);
  assert.ok(contents.some((c) => c.startsWith('new')), 'some files were restored before the abort');
  assert.ok(contents.some((c) => c.startsWith('old')), 'the abort came before the end');
  assert.deepEqual(readdirSync(join(target, src)).sort(), [...names].sort(), 'no temporary file left behind');
});
