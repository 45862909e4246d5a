import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_EXCLUDES, ExcludeMatcher } from '../../../../../main/engine/sources/files/excludes.ts';

function candidate(relPath: string, isDir = false) {
  const name = relPath.split('/').pop() ?? relPath;
  return { name, relPath, absPath: `/home/u/data/${relPath}`, isDir };
}

test('defaults: *.tmp and *.log at any depth, cache/ only as a folder', () => {
  const ex = new ExcludeMatcher(DEFAULT_EXCLUDES);
  assert.equal(ex.match(candidate('a.tmp')), '*.tmp');
  assert.equal(ex.match(candidate('deep/er/run.log')), '*.log');
  assert.equal(ex.match(candidate('x/cache', true)), 'cache/');
  assert.equal(ex.match(candidate('x/cache', false)), undefined, 'a file named cache is kept');
  assert.equal(ex.match(candidate('prices.csv')), undefined);
  assert.equal(ex.match(candidate('log.txt')), undefined);
});

test('a pattern with a slash is anchored to the source folder', () => {
  const ex = new ExcludeMatcher(['build/*.o']);
  assert.equal(ex.match(candidate('build/a.o')), 'build/*.o');
  assert.equal(ex.match(candidate('x/build/a.o')), undefined);
  const lead = new ExcludeMatcher(['/build/']);
  assert.equal(lead.match(candidate('build', true)), '/build/');
  assert.equal(lead.match(candidate('x/build', true)), undefined);
});

test('an absolute pattern also matches the absolute path', () => {
  const ex = new ExcludeMatcher(['/home/u/data/secret']);
  assert.equal(ex.match(candidate('secret')), '/home/u/data/secret');
  assert.equal(ex.match(candidate('other/secret')), undefined);
});

test('blank patterns are ignored', () => {
  const ex = new ExcludeMatcher(['', '   ']);
  assert.equal(ex.match(candidate('a')), undefined);
});
