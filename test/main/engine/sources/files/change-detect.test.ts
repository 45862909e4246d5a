import { test } from 'node:test';
import assert from 'node:assert/strict';
import { reusableContent } from '../../../../../main/engine/sources/files/change-detect.ts';
import type { TreeNode } from '../../../../../main/engine/repo/types.ts';

const base: TreeNode = {
  name: Buffer.from('f'),
  type: 'file',
  mode: 0o644,
  mtime: '2024-05-01T10:00:00.123456789Z',
  atime: '2024-05-01T10:00:00.123456789Z',
  ctime: '2024-05-01T10:00:01.000000000Z',
  uid: 0,
  gid: 0,
  inode: 42,
  size: 10,
  content: ['a'.repeat(64)],
};

test('an unchanged file reuses the parent content list', () => {
  assert.deepEqual(reusableContent(base, { ...base, atime: 'later' }), base.content);
});

test('times compare as instants, whatever zone or fraction form the parent used', () => {
  const restic = { ...base, mtime: '2024-05-01T12:00:00.123456789+02:00', ctime: '2024-05-01T10:00:01Z' };
  assert.deepEqual(reusableContent(restic, base), base.content);
});

test('any change in size, mtime, ctime, inode or type forces a read', () => {
  assert.equal(reusableContent(undefined, base), undefined);
  assert.equal(reusableContent({ ...base, size: 11 }, base), undefined);
  assert.equal(reusableContent({ ...base, mtime: '2024-05-01T10:00:00.123456788Z' }, base), undefined);
  assert.equal(reusableContent({ ...base, ctime: '2024-05-01T10:00:02Z' }, base), undefined);
  assert.equal(reusableContent({ ...base, inode: 43 }, base), undefined);
  assert.equal(reusableContent({ ...base, type: 'symlink' }, base), undefined);
  const { content: _content, ...noContent } = base;
  assert.equal(reusableContent(noContent, base), undefined);
});

test('an empty file whose size was omitted from the parent JSON is still unchanged', () => {
  const { size: _size, ...parent } = { ...base, content: [] };
  assert.deepEqual(reusableContent(parent, { ...base, size: 0 }), []);
  assert.equal(reusableContent(parent, base), undefined, 'absent (0) vs 10 differs');
});
