import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildSourceTrie, type SourceTrie } from '../../../../../main/engine/sources/files/source-trie.ts';

function shape(trie: SourceTrie): unknown {
  return Object.fromEntries([...trie.children].map(([k, v]) => [k + (v.source ? '*' : ''), shape(v)]));
}

test('sources share the folders on their way; a source inside another is dropped', () => {
  assert.deepEqual(shape(buildSourceTrie(['/home/u/data', '/home/u/docs', '/etc/app.conf'])), {
    home: { u: { 'data*': {}, 'docs*': {} } },
    etc: { 'app.conf*': {} },
  });
  assert.deepEqual(shape(buildSourceTrie(['/home/u/data/sub', '/home/u'])), { home: { 'u*': {} } });
  assert.deepEqual(shape(buildSourceTrie(['/home/u', '/home/u/data/sub'])), { home: { 'u*': {} } });
  assert.equal(buildSourceTrie(['/']).source, true);
});
