import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import {
  SEGMENT_FILE_NAME,
  SEGMENT_SIZE,
  chunkSizeFor,
  joinCommand,
  segmentCount,
  segmentName,
  segmentSpans,
  segmentsDirName,
  splitChunks,
} from '../../../../../main/engine/sources/sqlite/page-layout.ts';
import { tempDir } from '../../../../support/temp-dir.ts';

test('chunks at the page size, but never below 4 KiB', () => {
  assert.equal(chunkSizeFor(512), 4096);
  assert.equal(chunkSizeFor(1024), 4096);
  assert.equal(chunkSizeFor(4096), 4096);
  assert.equal(chunkSizeFor(16384), 16384);
  assert.equal(chunkSizeFor(65536), 65536);
  for (const bad of [0, 100, 3000, 131072, 4096.5]) assert.throws(() => chunkSizeFor(bad), RangeError);
  // Every chunk size divides the segment, so chunks never straddle segments.
  for (const p of [512, 4096, 65536]) assert.equal(SEGMENT_SIZE % chunkSizeFor(p), 0);
});

test('segments cover the file exactly, the last one short', () => {
  assert.deepEqual(segmentSpans(0), []);
  assert.equal(segmentCount(0), 0);
  const size = 3 * SEGMENT_SIZE + 4096;
  const spans = segmentSpans(size);
  assert.equal(spans.length, segmentCount(size));
  assert.deepEqual(spans.map((s) => s.length), [SEGMENT_SIZE, SEGMENT_SIZE, SEGMENT_SIZE, 4096]);
  assert.deepEqual(spans.map((s) => s.offset), [0, SEGMENT_SIZE, 2 * SEGMENT_SIZE, 3 * SEGMENT_SIZE]);
  assert.equal(segmentSpans(SEGMENT_SIZE).length, 1);
});

test('segment names sort in file order and refuse to overflow', () => {
  assert.equal(segmentName(0), '000000');
  assert.equal(segmentName(42), '000042');
  assert.equal(segmentName(999999), '999999');
  assert.throws(() => segmentName(1_000_000), RangeError);
  const names = [0, 1, 9, 10, 99, 100, 12345].map(segmentName);
  assert.deepEqual([...names].sort(), names);
});

test('splits a segment into page-sized chunks', () => {
  const seg = randomBytes(10000);
  const chunks = splitChunks(seg, 4096);
  assert.deepEqual(chunks.map((c) => c.length), [4096, 4096, 1808]);
  assert.ok(Buffer.concat(chunks).equals(seg));
});

test('the join command rebuilds the file from segment folders, even for awkward names', (t) => {
  for (const dbName of ['trading.db', "my trades's.db"]) {
    const dir = tempDir(t);
    const parts = [randomBytes(1000), randomBytes(10), randomBytes(500)];
    // Create the folders out of order, and more than 10, so a wrong sort would show.
    const all = Array.from({ length: 12 }, (_, i) => parts[i % 3]!);
    for (const i of [11, 3, 0, 7, 1, 2, 4, 5, 6, 8, 9, 10]) {
      const segDir = join(dir, segmentsDirName(dbName), segmentName(i));
      mkdirSync(segDir, { recursive: true });
      writeFileSync(join(segDir, SEGMENT_FILE_NAME), all[i]!);
    }
    execFileSync('sh', ['-c', joinCommand(dbName)], { cwd: dir });
    assert.ok(readFileSync(join(dir, dbName)).equals(Buffer.concat(all)), dbName);
  }
});
