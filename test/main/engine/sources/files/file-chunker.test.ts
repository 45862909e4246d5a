import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { ContentChunker, DEFAULT_CHUNKER_PARAMS, gearTable } from '../../../../../main/engine/sources/files/file-chunker.ts';

const MiB = 1024 * 1024;

function chunkAll(data: Buffer, pieceSize: number, chunker = new ContentChunker()): Buffer[] {
  const out: Buffer[] = [];
  for (let off = 0; off < data.length; off += pieceSize) out.push(...chunker.push(data.subarray(off, off + pieceSize)));
  const last = chunker.finish();
  if (last) out.push(last);
  return out;
}

const digest = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

test('chunks concatenate to the input and respect min/max sizes', () => {
  const data = randomBytes(24 * MiB);
  const chunks = chunkAll(data, 1000 * 1000);
  assert.deepEqual(Buffer.concat(chunks), data);
  chunks.slice(0, -1).forEach((c) => {
    assert.ok(c.length >= DEFAULT_CHUNKER_PARAMS.minSize, `chunk of ${c.length} below min`);
    assert.ok(c.length <= DEFAULT_CHUNKER_PARAMS.maxSize);
  });
  const avg = data.length / chunks.length;
  assert.ok(avg > 0.6 * MiB && avg < 2 * MiB, `average chunk ${avg} is not about 1 MiB`);
});

test('boundaries do not depend on how the input is split into pieces', () => {
  const data = randomBytes(12 * MiB);
  const a = chunkAll(data, 4096).map((c) => c.length);
  const b = chunkAll(data, 3 * MiB + 17).map((c) => c.length);
  assert.deepEqual(a, b);
});

test('an insertion near the start changes only the first chunks', () => {
  const data = randomBytes(16 * MiB);
  const edited = Buffer.concat([data.subarray(0, 100), Buffer.from('inserted'), data.subarray(100)]);
  const before = new Set(chunkAll(data, MiB).map(digest));
  const after = chunkAll(edited, MiB).map(digest);
  const fresh = after.filter((d) => !before.has(d)).length;
  assert.ok(after.length > 8);
  assert.ok(fresh <= 2, `${fresh} of ${after.length} chunks changed`);
});

test('a run of zero bytes is cut at the maximum size', () => {
  const chunks = chunkAll(Buffer.alloc(20 * MiB), MiB);
  assert.deepEqual(chunks.map((c) => c.length), [8 * MiB, 8 * MiB, 4 * MiB]);
});

test('empty input yields no chunk; the seed changes the gear table', () => {
  assert.equal(new ContentChunker().finish(), undefined);
  assert.notDeepEqual(gearTable(1), gearTable(2));
  assert.deepEqual(gearTable(7), gearTable(7));
});

test('pushed pieces may be reused by the caller', () => {
  const params = { ...DEFAULT_CHUNKER_PARAMS, minSize: 1024, maxSize: 4096, maskBits: 10 };
  const chunker = new ContentChunker(params);
  const piece = Buffer.alloc(1000);
  const source = randomBytes(50_000);
  const out: Buffer[] = [];
  for (let off = 0; off < source.length; off += 1000) {
    source.copy(piece, 0, off, off + 1000);
    out.push(...chunker.push(piece));
    piece.fill(0xaa);
  }
  out.push(chunker.finish() ?? Buffer.alloc(0));
  assert.deepEqual(Buffer.concat(out), source);
});
