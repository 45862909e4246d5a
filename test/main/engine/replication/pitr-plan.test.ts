import { test } from 'node:test';
import assert from 'node:assert/strict';
import { planPointInTime, type GenerationBase, type SegmentCommit, type SegmentRef } from '../../../../main/engine/replication/pitr-plan.ts';
import { isBackupError } from '../../../../main/engine/errors.ts';

/**
 * A generation described as data: a base at `baseMs` and position, then
 * segments each holding commits of `framesPerCommit` frames, one commit per
 * second of observed time.
 */
interface SegmentSpec {
  first: number;
  last: number;
  generation?: string;
}

const T0 = Date.parse('2026-11-27T10:00:00Z');
const FRAMES_PER_COMMIT = 3;
/** Commit k (1-based within the generation) ends at frame position + 3k and was observed at base + k seconds. */
function commitsIn(spec: SegmentSpec, base: GenerationBase): SegmentCommit[] {
  const out: SegmentCommit[] = [];
  for (let frame = spec.first; frame <= spec.last; frame++) {
    const k = (frame - base.position) / FRAMES_PER_COMMIT;
    if (Number.isInteger(k) && k > 0) out.push({ frame, observedMs: base.time.getTime() + k * 1000 });
  }
  return out;
}

function setup(specs: SegmentSpec[], bases: GenerationBase[]) {
  const segments: SegmentRef[] = specs.map((s) => ({
    name: `${s.generation ?? 'g1'}-${s.first}-${s.last}`, generation: s.generation ?? 'g1', firstFrame: s.first, lastFrame: s.last,
  }));
  const loads: string[] = [];
  const commitsOf = async (seg: SegmentRef) => {
    loads.push(seg.name);
    const base = bases.find((b) => b.generation === seg.generation)!;
    return commitsIn({ first: seg.firstFrame, last: seg.lastFrame }, base);
  };
  return { segments, commitsOf, loads };
}

const g1: GenerationBase = { generation: 'g1', snapshotId: 'a'.repeat(64), time: new Date(T0), position: 0 };
const now = new Date(T0 + 3_600_000);

test('the plan takes the contiguous segments up to the last commit observed at or before T', async () => {
  // Commits every 3 frames: segments of 4 commits each (frames 1-12, 13-24, 25-36).
  const { segments, commitsOf } = setup([{ first: 1, last: 12 }, { first: 13, last: 24 }, { first: 25, last: 36 }], [g1]);
  const plan = await planPointInTime({ bases: [g1], segments, at: new Date(T0 + 6_500), now, commitsOf });
  assert.equal(plan.generation, 'g1');
  assert.equal(plan.base.snapshotId, g1.snapshotId);
  assert.equal(plan.commits, 6);
  assert.equal(plan.reachedFrame, 18);
  assert.equal(plan.reachedAt.toISOString(), new Date(T0 + 6_000).toISOString());
  assert.deepEqual(plan.segments.map((s) => [s.segment.name, s.fromFrame, s.throughFrame, s.commits]), [
    ['g1-1-12', 1, 12, 4],
    ['g1-13-24', 13, 18, 2],
  ]);
  assert.equal(plan.window.to.toISOString(), new Date(T0 + 12_000).toISOString());
});

test('a time exactly at a commit includes it; a time before the first commit gives the base alone', async () => {
  const { segments, commitsOf } = setup([{ first: 1, last: 12 }], [g1]);
  const exact = await planPointInTime({ bases: [g1], segments, at: new Date(T0 + 2_000), now, commitsOf });
  assert.equal(exact.commits, 2);
  const baseOnly = await planPointInTime({ bases: [g1], segments, at: new Date(T0 + 500), now, commitsOf });
  assert.equal(baseOnly.commits, 0);
  assert.equal(baseOnly.segments.length, 0);
  assert.equal(baseOnly.reachedAt.getTime(), T0);
});

test('overlapping segments (a merge whose parts were not yet deleted) are applied once, the merged one preferred', async () => {
  const { segments, commitsOf } = setup(
    [{ first: 1, last: 12 }, { first: 13, last: 24 }, { first: 1, last: 24 }, { first: 25, last: 36 }, { first: 19, last: 30 }],
    [g1],
  );
  const plan = await planPointInTime({ bases: [g1], segments, at: new Date(T0 + 11_000), now, commitsOf });
  assert.deepEqual(plan.segments.map((s) => [s.segment.name, s.fromFrame, s.throughFrame]), [
    ['g1-1-24', 1, 24],
    // Frames 25-30 are in both g1-19-30 and g1-25-36: the one reaching furthest, from frame 25 on.
    ['g1-25-36', 25, 33],
  ]);
  assert.equal(plan.commits, 11);
});

test('a hole in the segments before T is refused in one line naming the frames and the last good time', async () => {
  const { segments, commitsOf } = setup([{ first: 1, last: 12 }, { first: 25, last: 36 }], [g1]);
  await assert.rejects(planPointInTime({ bases: [g1], segments, at: new Date(T0 + 10_000), now, commitsOf }), (err: unknown) => {
    assert.ok(isBackupError(err));
    assert.match(err.message, /missing frames 13-24/);
    assert.match(err.message, new RegExp(`only times before ${new Date(T0 + 4_000).toISOString()}`));
    assert.ok(!err.message.includes('\n'));
    return true;
  });
  // Before the hole, the same listing restores fine.
  const plan = await planPointInTime({ bases: [g1], segments, at: new Date(T0 + 3_000), now, commitsOf });
  assert.equal(plan.commits, 3);
});

test('T before the oldest base or in the future is refused with the restorable window', async () => {
  const { segments, commitsOf } = setup([{ first: 1, last: 12 }], [g1]);
  await assert.rejects(planPointInTime({ bases: [g1], segments, at: new Date(T0 - 1), now, commitsOf }), (err: unknown) => {
    assert.ok(isBackupError(err));
    assert.match(err.message, /before the oldest replication base; the restorable window is 2026-11-27T10:00:00.000Z to 2026-11-27T10:00:04.000Z/);
    return true;
  });
  await assert.rejects(planPointInTime({ bases: [g1], segments, at: new Date(now.getTime() + 60_000), now, commitsOf }), /is in the future .*restorable window/);
  await assert.rejects(planPointInTime({ bases: [], segments: [], at: now, now, commitsOf }), /no replication base snapshot/);
});

test('the newest generation whose base is at or before T is chosen; an ended generation is noted', async () => {
  const g2: GenerationBase = { generation: 'g2', snapshotId: 'b'.repeat(64), time: new Date(T0 + 60_000), position: 100 };
  const { segments, commitsOf, loads } = setup(
    [{ first: 1, last: 12 }, { first: 101, last: 112, generation: 'g2' }],
    [g1, g2],
  );
  const late = await planPointInTime({ bases: [g2, g1], segments, at: new Date(T0 + 62_000), now, commitsOf });
  assert.equal(late.generation, 'g2');
  assert.equal(late.commits, 2);
  assert.equal(late.notes.length, 0);
  loads.length = 0;
  const early = await planPointInTime({ bases: [g2, g1], segments, at: new Date(T0 + 30_000), now, commitsOf });
  assert.equal(early.generation, 'g1');
  assert.equal(early.commits, 4);
  assert.match(early.notes[0] ?? '', /generation g1 ends at 2026-11-27T10:00:04.000Z; the next one starts at 2026-11-27T10:01:00.000Z/);
  // Only the segments the plan needs (and the newest one, for the window) are read.
  assert.deepEqual(loads.sort(), ['g1-1-12', 'g2-101-112']);
});

test('a time past the newest replicated commit restores up to it and says how much is not covered', async () => {
  const { segments, commitsOf } = setup([{ first: 1, last: 12 }], [g1]);
  // The last commit was observed at T0 + 4 s; ask for T0 + 10 min.
  const plan = await planPointInTime({ bases: [g1], segments, at: new Date(T0 + 600_000), now, commitsOf });
  assert.equal(plan.reachedAt.toISOString(), new Date(T0 + 4_000).toISOString());
  assert.equal(plan.notes.length, 1);
  assert.match(plan.notes[0]!, /newest replicated commit was observed at 2026-11-27T10:00:04\.000Z, 596 s before --at/);
  // Just after the last commit (within the interval): nothing to say.
  const close = await planPointInTime({ bases: [g1], segments, at: new Date(T0 + 4_500), now, commitsOf });
  assert.deepEqual(close.notes, []);
});
