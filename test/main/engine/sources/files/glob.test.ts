import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileGlob, globCouldMatchBelow, globMatches } from '../../../../../main/engine/sources/files/glob.ts';
import { isBackupError } from '../../../../../main/engine/errors.ts';

const m = (pattern: string, path: string): boolean => globMatches(compileGlob(pattern), path);

test('* and ? stay inside one segment', () => {
  assert.equal(m('*.csv', 'prices.csv'), true);
  assert.equal(m('*.csv', 'dir/prices.csv'), false);
  assert.equal(m('a?c', 'abc'), true);
  assert.equal(m('a?c', 'a/c'), false);
  assert.equal(m('data/*', 'data/x'), true);
  assert.equal(m('data/*', 'data/x/y'), false);
});

test('** spans any number of directories, including none', () => {
  assert.equal(m('**/obj', 'obj'), true);
  assert.equal(m('**/obj', 'a/b/obj'), true);
  assert.equal(m('a/**/z', 'a/z'), true);
  assert.equal(m('a/**/z', 'a/b/c/z'), true);
  assert.equal(m('a/**', 'a/b/c'), true);
  assert.equal(m('a/**/z', 'b/z'), false);
});

test('classes, negation and escapes', () => {
  assert.equal(m('[abc].txt', 'b.txt'), true);
  assert.equal(m('[abc].txt', 'd.txt'), false);
  assert.equal(m('[a-c]x', 'bx'), true);
  assert.equal(m('[!a-c]x', 'dx'), true);
  assert.equal(m('[!a-c]x', 'ax'), false);
  assert.equal(m('[^a]', '/'), false);
  assert.equal(m('\\*.txt', '*.txt'), true);
  assert.equal(m('\\*.txt', 'a.txt'), false);
  assert.equal(m('a.b', 'axb'), false, 'a dot is literal');
  assert.equal(m('(x)+', '(x)+'), true, 'regex syntax is literal');
});

test('? matches one character, not one UTF-16 unit or byte', () => {
  assert.equal(m('?.txt', 'é.txt'), true);
  assert.equal(m('?.txt', '📈.txt'), true);
});

test('a broken pattern is a permanent error naming it', () => {
  assert.throws(() => compileGlob('a[bc'), (err) => isBackupError(err) && err.kind === 'permanent' && err.message.includes('a[bc'));
  assert.throws(() => compileGlob('abc\\'), (err) => isBackupError(err) && err.message.includes('backslash'));
});

test('couldMatchBelow prunes folders that cannot lead to a match', () => {
  const g = compileGlob('home/u/data/*.csv');
  assert.equal(globCouldMatchBelow(g, ['home']), true);
  assert.equal(globCouldMatchBelow(g, ['home', 'u', 'data']), true);
  assert.equal(globCouldMatchBelow(g, ['home', 'v']), false);
  assert.equal(globCouldMatchBelow(g, ['home', 'u', 'data', 'sub']), false);
  assert.equal(globCouldMatchBelow(compileGlob('home/**/x'), ['home', 'a', 'b']), true);
});
