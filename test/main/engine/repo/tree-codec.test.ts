import assert from 'node:assert/strict';
import { test } from 'node:test';
import { goFileMode, posixPermissions } from '../../../../main/engine/repo/file-mode.ts';
import { decodeTree, encodeTree } from '../../../../main/engine/repo/tree-codec.ts';
import type { TreeNode } from '../../../../main/engine/repo/types.ts';

const T = '2024-01-02T03:04:05.5+01:00';
const base = { mode: 0o644, mtime: T, atime: T, ctime: T, uid: 1000, gid: 1000 };
const ID = 'ab'.repeat(32);

test('nodes are sorted by raw name bytes and names are Go-quoted', () => {
  const nodes: TreeNode[] = [
    { ...base, name: Buffer.from('b'), type: 'file', content: [ID], size: 3 },
    { ...base, name: Buffer.from([0x61, 0xff]), type: 'file', content: [], size: 0 },
    { ...base, name: Buffer.from('A "x"\n'), type: 'dir', mode: goFileMode(0o40755), subtree: ID },
  ];
  const bytes = encodeTree({ nodes });
  assert.equal(bytes.at(-1), 0x0a, 'stored trees end with a newline');
  const json = JSON.parse(bytes.toString('utf8')) as { nodes: Record<string, unknown>[] };
  assert.deepEqual(json.nodes.map((n) => n.name), ['A \\"x\\"\\n', 'a\\xff', 'b']);
  assert.equal(json.nodes[0]!.mode, 2147484141, 'dir mode is 1<<31 | 0755, unsigned');
  assert.equal(json.nodes[0]!.content, null);
  assert.deepEqual(json.nodes[1]!.content, [], 'an empty file has an empty content list');
  assert.equal('size' in json.nodes[1]!, false, 'size 0 is omitted like Go omitempty');
  const back = decodeTree(bytes);
  assert.deepEqual(back.nodes.map((n) => n.name), [Buffer.from('A "x"\n'), Buffer.from([0x61, 0xff]), Buffer.from('b')]);
  assert.equal(back.nodes[2]!.size, 3);
});

test('decodes what restic 0.14 writes, keeping fields we do not model', () => {
  const restic = `{"nodes":[{"name":"dir","type":"dir","mode":2147484141,"mtime":"2024-05-01T10:00:00.123456789+02:00","atime":"2024-05-01T10:00:00.123456789+02:00","ctime":"2024-05-01T10:00:00.123456789+02:00","uid":0,"gid":0,"user":"root","group":"root","inode":12,"device_id":2049,"content":null,"subtree":"${ID}"},{"name":"f\\u00e9","type":"file","mode":420,"mtime":"2024-05-01T10:00:00Z","atime":"2024-05-01T10:00:00Z","ctime":"2024-05-01T10:00:00Z","uid":0,"gid":0,"inode":13,"device_id":2049,"size":5,"links":1,"extended_attributes":[{"name":"user.x","value":"eQ=="}],"content":["${ID}"]}]}\n`;
  const tree = decodeTree(Buffer.from(restic));
  assert.equal(tree.nodes[0]!.content, undefined);
  assert.equal(tree.nodes[0]!.subtree, ID);
  assert.equal(tree.nodes[0]!.user, 'root');
  assert.deepEqual(tree.nodes[1]!.name, Buffer.from('fé'));
  assert.deepEqual(tree.nodes[1]!.extra, { extended_attributes: [{ name: 'user.x', value: 'eQ==' }] });
  const again = JSON.parse(encodeTree(tree).toString()) as { nodes: Record<string, unknown>[] };
  assert.deepEqual(again.nodes[1]!.extended_attributes, [{ name: 'user.x', value: 'eQ==' }]);
});

test('refuses nodes restic would restore wrongly', () => {
  assert.throws(() => encodeTree({ nodes: [{ ...base, name: Buffer.from('f'), type: 'file', content: [ID] }] }), /needs content and size/);
  assert.throws(() => encodeTree({ nodes: [{ ...base, name: Buffer.from('d'), type: 'dir' }] }), /needs a subtree/);
  const dup: TreeNode = { ...base, name: Buffer.from('x'), type: 'symlink', linktarget: 'y' };
  assert.throws(() => encodeTree({ nodes: [dup, dup] }), /two nodes named/);
  assert.throws(() => decodeTree(Buffer.from('{"nodes":[{"name":"a","type":"weird"}]}')), /unknown type/);
});

test('Go file modes from POSIX modes', () => {
  assert.equal(goFileMode(0o100644), 0o644);
  assert.equal(goFileMode(0o40755), 2 ** 31 + 0o755);
  assert.equal(goFileMode(0o120777), 2 ** 27 + 0o777);
  assert.equal(goFileMode(0o104755), 2 ** 23 + 0o755);
  assert.equal(goFileMode(0o41777), 2 ** 31 + 2 ** 20 + 0o777);
  assert.equal(goFileMode(0o20620), 2 ** 26 + 2 ** 21 + 0o620);
  assert.equal(goFileMode(0o10644), 2 ** 25 + 0o644);
  assert.equal(posixPermissions(2 ** 31 + 2 ** 20 + 0o777), 0o1777);
});
