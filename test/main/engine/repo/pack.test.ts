import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { compress } from 'zstd-napi';
import { encrypt, newRandomKey, sha256Hex } from '../../../../main/engine/repo/crypto.ts';
import { decodeIndex, encodeIndex } from '../../../../main/engine/repo/index-file.ts';
import { PackBuilder, packSizeOf, readPackHeader } from '../../../../main/engine/repo/pack.ts';
import { decodeUnpacked, encodeUnpacked } from '../../../../main/engine/repo/unpacked-file.ts';

test('a pack round-trips its header, and its size matches the index formula', () => {
  const key = newRandomKey();
  const builder = new PackBuilder('data');
  const plain = randomBytes(500);
  builder.add(sha256Hex(plain), encrypt(key, plain));
  const text = Buffer.from('z'.repeat(1000));
  builder.add(sha256Hex(text), encrypt(key, compress(text)), text.length);
  const { id, bytes } = builder.finish(key);
  assert.equal(id, sha256Hex(bytes));
  assert.equal(bytes.length, packSizeOf(builder.entries));
  const header = readPackHeader(key, bytes, 'pack');
  assert.deepEqual(header, builder.entries);
  assert.equal(header[1]!.uncompressedLength, 1000);
  assert.equal(header[1]!.offset, 532);
  // Header entry sizes: 37 bytes plain, 41 compressed, +32 crypto, +4 length.
  assert.equal(bytes.readUInt32LE(bytes.length - 4), 37 + 41 + 32);
});

test('index JSON round-trips and omits uncompressed_length for raw blobs', () => {
  const index = { packs: [{ id: 'aa'.repeat(32), blobs: [
    { id: 'bb'.repeat(32), type: 'tree' as const, offset: 0, length: 80, uncompressedLength: 120 },
    { id: 'cc'.repeat(32), type: 'data' as const, offset: 80, length: 50 },
  ] }] };
  const json = encodeIndex(index);
  assert.ok(!json.includes('"uncompressed_length":null'));
  assert.equal((json.match(/uncompressed_length/g) ?? []).length, 1);
  assert.deepEqual(decodeIndex(json, 'index'), index);
  assert.throws(() => decodeIndex('{"packs":[{"id":"xyz","blobs":[]}]}', 'index'), /malformed/);
});

test('unpacked files: 0x02 + zstd on write; bare JSON accepted on read', () => {
  const json = JSON.stringify({ hello: 'world'.repeat(100) });
  const framed = encodeUnpacked(json);
  assert.equal(framed[0], 2);
  assert.ok(framed.length < json.length);
  assert.equal(decodeUnpacked(framed, 'x'), json);
  assert.equal(decodeUnpacked(Buffer.from('{"a":1}'), 'x'), '{"a":1}');
  assert.equal(decodeUnpacked(Buffer.from('[1]'), 'x'), '[1]');
  assert.throws(() => decodeUnpacked(Buffer.from([7, 1, 2]), 'x'), /unknown format/);
});
