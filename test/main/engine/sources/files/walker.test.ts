import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { ExcludeMatcher, DEFAULT_EXCLUDES } from '../../../../../main/engine/sources/files/excludes.ts';
import { nodeFileSource, type FileSource } from '../../../../../main/engine/sources/files/file-source.ts';
import { joinPath, listDirectory } from '../../../../../main/engine/sources/files/walker.ts';
import type { FileWarning } from '../../../../../main/engine/sources/files/warnings.ts';
import { tempDir } from '../../../../support/temp-dir.ts';
import { writeTree } from '../../../../support/file-tree.ts';

test('lists raw-byte names sorted by bytes, with excludes applied', async (t) => {
  const root = tempDir(t);
  const latin1 = Buffer.from([0x63, 0x61, 0x66, 0xe9]); // "café" in Latin-1: not UTF-8
  writeTree(root, {
    'b.txt': 'b',
    'a.txt': 'a',
    'Z.txt': 'z',
    'run.log': 'x',
    cache: { 'c.bin': 'c' },
    odd: { entries: [[latin1, 'latin1 name']] },
  });
  const warnings: FileWarning[] = [];
  const ctx = { fs: nodeFileSource, excludes: new ExcludeMatcher(DEFAULT_EXCLUDES), warn: (w: FileWarning) => warnings.push(w) };
  const entries = await listDirectory(ctx, Buffer.from(root), '');
  assert.deepEqual(entries?.map((e) => e.name.toString()), ['Z.txt', 'a.txt', 'b.txt', 'odd']);
  const odd = await listDirectory(ctx, Buffer.from(join(root, 'odd')), 'odd');
  assert.deepEqual(odd?.map((e) => e.name), [latin1]);
  assert.equal(odd?.[0]?.stat.isFile(), true, 'lstat worked on the non-UTF-8 path');
  assert.deepEqual(warnings, []);
});

test('an unreadable folder and a vanished entry become warnings', async (t) => {
  const root = tempDir(t);
  writeTree(root, { keep: 'k', gone: 'g', locked: {} });
  const denied = Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES' });
  const vanished = Object.assign(new Error('ENOENT: no such file'), { code: 'ENOENT' });
  const fs: FileSource = {
    ...nodeFileSource,
    readdir: async (p) => {
      if (p.toString().endsWith('/locked')) throw denied;
      return nodeFileSource.readdir(p);
    },
    lstat: async (p) => {
      if (p.toString().endsWith('/gone')) throw vanished;
      return nodeFileSource.lstat(p);
    },
  };
  const warnings: FileWarning[] = [];
  const ctx = { fs, excludes: new ExcludeMatcher([]), warn: (w: FileWarning) => warnings.push(w) };
  const entries = await listDirectory(ctx, Buffer.from(root), '');
  assert.deepEqual(entries?.map((e) => e.name.toString()), ['keep', 'locked']);
  assert.equal(await listDirectory(ctx, Buffer.from(join(root, 'locked')), 'locked'), undefined);
  assert.deepEqual(warnings.map((w) => [w.kind, w.path]), [
    ['vanished', join(root, 'gone')],
    ['unreadable', join(root, 'locked')],
  ]);
});

test('an unexpected error is not swallowed', async (t) => {
  const root = tempDir(t);
  const fs: FileSource = { ...nodeFileSource, readdir: async () => { throw new TypeError('bug'); } };
  const ctx = { fs, excludes: new ExcludeMatcher([]), warn: () => undefined };
  await assert.rejects(listDirectory(ctx, Buffer.from(root), ''), TypeError);
});

test('joinPath handles the root folder', () => {
  assert.equal(joinPath(Buffer.from('/'), Buffer.from('home')).toString(), '/home');
  assert.equal(joinPath(Buffer.from('/home'), Buffer.from('u')).toString(), '/home/u');
});
