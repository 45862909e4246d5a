import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { newRandomKey } from '../../../../main/engine/repo/crypto.ts';
import { isBackupError } from '../../../../main/engine/errors.ts';
import {
  decodeSegment, decodeSegmentPlain, encodeSegment, encodeSegmentPlain, newGenerationId, parseSegmentFileName, segmentFileName,
  type WalSegment,
} from '../../../../main/engine/replication/wal-segment-codec.ts';

function sampleSegment(pageSize = 4096): WalSegment {
  const frames = [3, 1, 7, 3].map((pageNumber) => ({ pageNumber, page: randomBytes(pageSize) }));
  return {
    generation: newGenerationId(Date.UTC(2026, 10, 27, 12), 0xbeef),
    pageSize,
    firstSeq: 41,
    lastSeq: 44,
    end: { salt1: 0xfffffffe, salt2: 12345, checkpointSeq: 7, walFrames: 120, checksum1: 0xdeadbeef, checksum2: 1 },
    frames,
    commits: [
      { frameSeq: 42, dbSizePages: 7, observedMs: 1_790_000_000_123 },
      { frameSeq: 44, dbSizePages: 9, observedMs: 1_790_000_000_456 },
    ],
  };
}

test('a segment survives encode -> zstd -> encrypt -> decrypt -> decode unchanged', () => {
  const key = newRandomKey();
  const segment = sampleSegment();
  const stored = encodeSegment(key, segment);
  assert.ok(!stored.includes(segment.frames[0]!.page.subarray(0, 64)), 'page bytes must not be stored in plain text');
  const back = decodeSegment(key, stored);
  assert.deepEqual({ ...back, frames: back.frames.map((f) => ({ pageNumber: f.pageNumber, page: Buffer.from(f.page) })) }, segment);
});

test('a segment written with another key or damaged is refused with a permanent error', () => {
  const segment = sampleSegment(1024);
  const stored = encodeSegment(newRandomKey(), segment);
  assert.throws(() => decodeSegment(newRandomKey(), stored), (err) => isBackupError(err) && err.kind === 'permanent');
  const plain = encodeSegmentPlain(segment);
  assert.throws(() => decodeSegmentPlain(plain.subarray(0, plain.length - 1)), /length does not match/);
  const badMagic = Buffer.from(plain);
  badMagic[0] = 0x58;
  assert.throws(() => decodeSegmentPlain(badMagic), /magic/);
});

test('segments must end with a commit frame and hold whole pages', () => {
  const segment = sampleSegment(1024);
  assert.throws(() => encodeSegmentPlain({ ...segment, commits: [{ frameSeq: 42, dbSizePages: 7, observedMs: 1 }] }), /commit frame/);
  assert.throws(() => encodeSegmentPlain({ ...segment, frames: segment.frames.slice(1) }), /frame range/);
  assert.throws(() => encodeSegmentPlain({ ...segment, pageSize: 2048 }), /page is 1024 bytes/);
});

test('file names sort by generation, then frame order, and parse back', () => {
  const g1 = newGenerationId(1_000_000, 0xffff);
  const g2 = newGenerationId(1_000_001, 0);
  assert.ok(g1 < g2, 'a later generation sorts after an earlier one');
  const names = [
    segmentFileName({ generation: g2, firstSeq: 1, lastSeq: 3 }),
    segmentFileName({ generation: g1, firstSeq: 0x100, lastSeq: 0x1ff }),
    segmentFileName({ generation: g1, firstSeq: 1, lastSeq: 0xff }),
  ];
  assert.deepEqual([...names].sort().map((n) => parseSegmentFileName(n)), [
    { generation: g1, firstSeq: 1, lastSeq: 0xff },
    { generation: g1, firstSeq: 0x100, lastSeq: 0x1ff },
    { generation: g2, firstSeq: 1, lastSeq: 3 },
  ]);
  assert.match(names[0]!, /^[0-9a-z._-]{1,128}$/);
  assert.equal(parseSegmentFileName('README'), null);
  assert.equal(parseSegmentFileName(`${g1}-0000000000000005-0000000000000004`), null);
});
