import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { LocalBackend } from '../../../../main/engine/backends/local-backend.ts';
import { Repository } from '../../../../main/engine/repo/repository.ts';
import { planPointInTime, type GenerationBase } from '../../../../main/engine/replication/pitr-plan.ts';
import { listSegments, loadWalSegment } from '../../../../main/engine/replication/pitr-source.ts';
import { compactSegments, mergeSegments } from '../../../../main/engine/replication/segment-compaction.ts';
import { encodeSegment, newGenerationId, segmentFileName, type WalSegment } from '../../../../main/engine/replication/wal-segment-codec.ts';
import { tempDir } from '../../../support/temp-dir.ts';

const PAGE = 512;
const START = Date.parse('2026-11-27T08:40:00Z');
const MINUTE = 60_000;

/**
 * A generation as data: one segment per `everyMin` minutes from START for
 * `minutes`, each of 2 commits of 3 frames (random pages), observed a minute apart inside.
 */
async function generation(t: TestContext, minutes: number, everyMin: number) {
  const dir = tempDir(t);
  const repo = await Repository.init(new LocalBackend(join(dir, 'repo')), 'pw', { kdf: { N: 1024, r: 8, p: 1 } });
  const gen = newGenerationId(START);
  const written: WalSegment[] = [];
  let seq = 0;
  for (let m = 0; m < minutes; m += everyMin) {
    const firstSeq = seq + 1;
    const frames = Array.from({ length: 6 }, (_, i) => ({ pageNumber: 1 + ((seq + i) % 17), page: randomBytes(PAGE) }));
    const commits = [
      { frameSeq: firstSeq + 2, dbSizePages: 17, observedMs: START + m * MINUTE },
      { frameSeq: firstSeq + 5, dbSizePages: 17, observedMs: START + m * MINUTE + 500 },
    ];
    seq += 6;
    const segment: WalSegment = { generation: gen, pageSize: PAGE, firstSeq, lastSeq: seq, end: { salt1: 1, salt2: 2, checkpointSeq: 0, walFrames: seq, checksum1: 0, checksum2: 0 }, frames, commits };
    await repo.backend.save({ type: 'wal', name: segmentFileName({ generation: gen, firstSeq, lastSeq: seq }) }, encodeSegment(repo.masterKey, segment));
    written.push(segment);
  }
  const base: GenerationBase = { generation: gen, snapshotId: 'f'.repeat(64), time: new Date(START - 1000), position: 0 };
  return { repo, gen, written, base };
}

/** Every frame and commit of the generation, in order, read back from the repository (the plan's chain). */
async function readAll(repo: Repository, base: GenerationBase, at: Date) {
  const segments = await listSegments(repo);
  const commitsOf = async (s: { name: string }) => (await loadWalSegment(repo, s.name)).commits.map((c) => ({ frame: c.frameSeq, observedMs: c.observedMs }));
  const plan = await planPointInTime({ bases: [base], segments, at, now: new Date(at.getTime() + 1), commitsOf });
  const frames: string[] = [];
  for (const p of plan.segments) {
    const seg = await loadWalSegment(repo, p.segment.name);
    for (let s = p.fromFrame; s <= p.throughFrame; s++) frames.push(`${s}:${seg.frames[s - seg.firstSeq]!.page.toString('hex', 0, 8)}`);
  }
  return { plan, frames };
}

test('segments older than the cutoff merge into one per clock hour, losslessly; newer ones stay', async (t) => {
  // 08:40 to 11:25, one segment every 5 minutes: 34 segments across hours 08, 09, 10, 11.
  const { repo, written, base } = await generation(t, 170, 5);
  const now = new Date(START + 170 * MINUTE); // 11:30: the cutoff (10 min) is 11:20
  const end = new Date(START + 170 * MINUTE);
  const before = await readAll(repo, base, end);

  const r = await compactSegments(repo, { now });
  assert.equal(r.merged, 4);
  const names = (await listSegments(repo)).sort((a, b) => a.firstFrame - b.firstFrame);
  // 08:40-08:55 (4 parts), 09:xx (12), 10:xx (12), 11:00-11:15 (4) merge; 11:20 and 11:25 are not older than the cutoff.
  const hourOf = async (name: string) => new Date((await loadWalSegment(repo, name)).commits[0]!.observedMs).getUTCHours();
  const shapes = await Promise.all(names.map(async (s) => [await hourOf(s.name), (s.lastFrame - s.firstFrame + 1) / 6]));
  assert.equal(shapes.length, 6);
  assert.deepEqual(shapes, expectedShapes(written, now));
  assert.equal(r.removedCovered, 0);

  // Every frame and commit is still there, in order: a restore reaches the same state.
  const after = await readAll(repo, base, end);
  assert.deepEqual(after.frames, before.frames);
  assert.equal(after.plan.commits, before.plan.commits);
  assert.equal(after.plan.commits, written.length * 2);
  // A point inside a merged hour still stops at the right commit.
  const midT = START + 47 * MINUTE;
  const mid = await readAll(repo, base, new Date(midT));
  assert.equal(mid.plan.commits, written.flatMap((w) => w.commits).filter((c) => c.observedMs <= midT).length);
  assert.equal(mid.plan.reachedAt.getTime(), START + 45 * MINUTE + 500);

  // Running it again changes nothing.
  assert.deepEqual(await compactSegments(repo, { now }), { merged: 0, removedParts: 0, removedCovered: 0 });
});

/** The expected (hour, segment count) shape computed from the written segments by calendar arithmetic. */
function expectedShapes(written: WalSegment[], now: Date): number[][] {
  const cutoff = now.getTime() - 10 * MINUTE;
  const out: number[][] = [];
  let lastHour = -1;
  for (const s of written) {
    const firstMs = s.commits[0]!.observedMs;
    const lastMs = s.commits[s.commits.length - 1]!.observedMs;
    const hour = new Date(firstMs).getUTCHours();
    if (lastMs >= cutoff) {
      out.push([hour, 1]);
      lastHour = -1;
    } else if (hour === lastHour) {
      out[out.length - 1]![1]!++;
    } else {
      out.push([hour, 1]);
      lastHour = hour;
    }
  }
  return out;
}

test('a crash between writing a merged segment and deleting its parts: the plan uses it once, the next run cleans up', async (t) => {
  const { repo, gen, written, base } = await generation(t, 60, 10);
  const end = new Date(START + 60 * MINUTE);
  const before = await readAll(repo, base, end);
  // What an interrupted compaction leaves: the merge of the first three parts, and the parts.
  const merged = mergeSegments(written.slice(0, 3));
  await repo.backend.save({ type: 'wal', name: segmentFileName({ generation: gen, firstSeq: merged.firstSeq, lastSeq: merged.lastSeq }) }, encodeSegment(repo.masterKey, merged));
  assert.equal((await listSegments(repo)).length, written.length + 1);

  const overlapped = await readAll(repo, base, end);
  assert.deepEqual(overlapped.frames, before.frames);

  const r = await compactSegments(repo, { now: new Date(START + 10 * MINUTE) });
  assert.equal(r.removedCovered, 3);
  assert.equal(r.merged, 0, 'nothing else is older than the cutoff');
  assert.equal((await listSegments(repo)).length, written.length - 2);
  assert.deepEqual((await readAll(repo, base, end)).frames, before.frames);
});

test('a merged segment stays under maxBytes: an hour splits into several when its parts are large', async (t) => {
  const { repo, written, base } = await generation(t, 60, 5);
  const end = new Date(START + 60 * MINUTE);
  const before = await readAll(repo, base, end);
  // One part is ~3.2 KB of plaintext: 8 KB allows two per merge.
  const r = await compactSegments(repo, { now: new Date(START + 24 * 60 * MINUTE), maxBytes: 8 * 1024, largeBytes: 1024 * 1024 });
  const sizes = (await listSegments(repo)).map((s) => (s.lastFrame - s.firstFrame + 1) / 6).sort();
  // 08:40-08:55 (4 parts) -> 2+2; 09:00-09:35 (8 parts) -> 2+2+2+2.
  assert.equal(written.length, 12);
  assert.deepEqual(sizes, [2, 2, 2, 2, 2, 2]);
  assert.equal(r.merged, 6);
  assert.deepEqual((await readAll(repo, base, end)).frames, before.frames);
});
