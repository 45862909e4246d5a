import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { LocalBackend } from '../../../../main/engine/backends/local-backend.ts';
import { Repository } from '../../../../main/engine/repo/repository.ts';
import type { GenerationBase, SegmentRef } from '../../../../main/engine/replication/pitr-plan.ts';
import { listSegments } from '../../../../main/engine/replication/pitr-source.ts';
import {
  applySegmentRetention, decideSegmentRetention, rebaseDue, retainedBaseSnapshots,
} from '../../../../main/engine/replication/segment-retention.ts';
import { encodeSegment, newGenerationId, segmentFileName } from '../../../../main/engine/replication/wal-segment-codec.ts';
import { snapshotDatabase } from '../../../../main/engine/sources/sqlite/database-snapshot.ts';
import { createTradingDb } from '../../../support/trading-db.ts';
import { tempDir } from '../../../support/temp-dir.ts';

const HOUR = 3_600_000;
const NOW = Date.parse('2026-11-27T12:00:00Z');
const WINDOW = 48 * HOUR;

/** A generation started `hoursAgo` before NOW, with `segments` segments of 10 frames. */
function gen(hoursAgo: number, segments: number): { base: GenerationBase; refs: SegmentRef[] } {
  const time = new Date(NOW - hoursAgo * HOUR);
  const generation = newGenerationId(time.getTime(), hoursAgo);
  const refs = Array.from({ length: segments }, (_, i) => ({
    name: segmentFileName({ generation, firstSeq: i * 10 + 1, lastSeq: i * 10 + 10 }), generation, firstFrame: i * 10 + 1, lastFrame: i * 10 + 10,
  }));
  return { base: { generation, snapshotId: generation.padEnd(64, '0'), time, position: 0 }, refs };
}

test('generations wholly older than the window go; the one serving the window start and all newer stay', () => {
  // Daily generations: 96 h, 72 h, 50 h, 26 h and 2 h ago. The window starts 48 h ago: the 50 h one serves it.
  const gens = [gen(96, 3), gen(72, 2), gen(50, 4), gen(26, 2), gen(2, 1)];
  const d = decideSegmentRetention(gens.map((g) => g.base), gens.flatMap((g) => g.refs), new Date(NOW), WINDOW);
  assert.deepEqual(d.retained.map((b) => b.generation), gens.slice(2).map((g) => g.base.generation));
  assert.deepEqual(d.drop.map((x) => x.generation).sort(), gens.slice(0, 2).map((g) => g.base.generation).sort());
  // Newest segment first, so an interrupted drop leaves a shorter generation that still restores.
  const first = d.drop.find((x) => x.generation === gens[0]!.base.generation)!;
  assert.deepEqual(first.segments.map((s) => s.firstFrame), [21, 11, 1]);
  assert.match(first.reason, /newer generation covers the 48 h window/);
});

test('a young repository keeps everything; a rebase is due once the newest base is a day old', () => {
  const gens = [gen(30, 2), gen(5, 2)];
  const d = decideSegmentRetention(gens.map((g) => g.base), gens.flatMap((g) => g.refs), new Date(NOW), WINDOW);
  assert.equal(d.retained.length, 2);
  assert.deepEqual(d.drop, []);
  assert.equal(rebaseDue(gens.map((g) => g.base), new Date(NOW)), false);
  assert.equal(rebaseDue([gens[0]!.base], new Date(NOW)), true);
  assert.equal(rebaseDue([], new Date(NOW)), false);
});

test('segments whose base snapshot is gone are dropped only once older than the window', () => {
  const kept = gen(60, 1);
  const orphanOld = gen(70, 2);
  const orphanNew = gen(1, 2);
  const d = decideSegmentRetention([kept.base], [...kept.refs, ...orphanOld.refs, ...orphanNew.refs], new Date(NOW), WINDOW);
  assert.deepEqual(d.drop.map((x) => [x.generation, x.segments.length]), [[orphanOld.base.generation, 2]]);
  assert.match(d.drop[0]!.reason, /base snapshot is gone/);
});

test('on a repository: old generations lose their segments, and the bases still needed are named for forget', async (t) => {
  const dir = tempDir(t);
  const dbPath = join(dir, 'trading.db');
  createTradingDb(dbPath, { accounts: 2, trades: 10 });
  const repo = await Repository.init(new LocalBackend(join(dir, 'repo')), 'pw', { kdf: { N: 1024, r: 8, p: 1 } });
  const ids: Record<string, string> = {};
  for (const hoursAgo of [80, 49, 3]) {
    const time = new Date(NOW - hoursAgo * HOUR);
    const generation = newGenerationId(time.getTime());
    const snap = await snapshotDatabase(repo, { dbPath, tmpDir: join(dir, 'tmp'), tags: ['replication-base', `generation:${generation}`], now: () => time });
    ids[hoursAgo] = snap.snapshotId;
    const segment = {
      generation, pageSize: 512, firstSeq: 1, lastSeq: 1, end: { salt1: 0, salt2: 0, checkpointSeq: 0, walFrames: 1, checksum1: 0, checksum2: 0 },
      frames: [{ pageNumber: 1, page: Buffer.alloc(512) }], commits: [{ frameSeq: 1, dbSizePages: 1, observedMs: time.getTime() + 1000 }],
    };
    await repo.backend.save({ type: 'wal', name: segmentFileName({ generation, firstSeq: 1, lastSeq: 1 }) }, encodeSegment(repo.masterKey, segment));
  }
  const protectedIds = retainedBaseSnapshots(await repo.listSnapshots(), await listSegments(repo), new Date(NOW));
  assert.deepEqual([...protectedIds].sort(), [ids[49]!, ids[3]!].sort());

  const r = await applySegmentRetention(repo, { now: new Date(NOW) });
  assert.equal(r.removedSegments, 1);
  assert.equal(r.droppedGenerations.length, 1);
  const left = (await listSegments(repo)).map((s) => s.generation);
  assert.equal(left.length, 2);
  assert.ok(!left.includes(r.droppedGenerations[0]!));
  // Snapshots are the retention policy's business: all three bases are still there.
  assert.equal((await repo.listSnapshots()).length, 3);
});
