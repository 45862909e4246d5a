import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { writeFileAtomic } from '../../../../main/engine/util/atomic-write.ts';
import { tempDir } from '../../../support/temp-dir.ts';

test('writes the whole file with the requested mode and leaves no temp file', async (t) => {
  const dir = tempDir(t);
  const path = join(dir, 'f');
  await writeFileAtomic(path, Buffer.from('hello'), { mode: 0o400 });
  assert.equal(readFileSync(path, 'utf8'), 'hello');
  assert.equal(statSync(path).mode & 0o777, 0o400);
  assert.deepEqual(readdirSync(dir), ['f']);
});

test('replaces an existing file atomically', async (t) => {
  const path = join(tempDir(t), 'config.json');
  writeFileSync(path, 'old');
  await writeFileAtomic(path, 'new');
  assert.equal(readFileSync(path, 'utf8'), 'new');
});

test('a failed write leaves neither the file nor a temp file', async (t) => {
  const dir = tempDir(t);
  mkdirSync(join(dir, 'target')); // renaming a file over a directory fails
  await assert.rejects(writeFileAtomic(join(dir, 'target'), 'x'));
  assert.deepEqual(readdirSync(dir), ['target']);
});
