import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DAY_MS, planPackRotation, type PackReadState } from '../../../../main/engine/verify/pack-rotation.ts';

const packIds = (n: number, from = 0): string[] => Array.from({ length: n }, (_, i) => (from + i).toString(16).padStart(64, '0'));
const START = Date.parse('2026-03-01T03:00:00Z');

/** Runs the planner once a day (at a drifting time of day) and records what it read. */
function simulate(days: number, packsOnDay: (day: number) => string[], within: number) {
  const reads = new Map<string, PackReadState>();
  const created = new Map<string, number>();
  const history = new Map<string, number[]>();
  const perDay: number[] = [];
  for (let day = 0; day < days; day++) {
    const now = new Date(START + day * DAY_MS + ((day * 37) % 50) * 60_000); // runs drift up to 50 minutes
    const packs = packsOnDay(day);
    for (const p of packs) if (!created.has(p)) created.set(p, now.getTime());
    const plan = planPackRotation({ packs, reads, now, readAllWithinDays: within });
    perDay.push(plan.selected.length);
    for (const p of plan.selected) {
      reads.set(p, { lastReadAt: now.toISOString(), ok: true });
      history.set(p, [...(history.get(p) ?? []), now.getTime()]);
    }
  }
  return { reads, created, history, perDay };
}

test('a fixed set of packs is read completely within 30 days, ceil(total/30) a day', () => {
  const packs = packIds(95);
  const { history, perDay } = simulate(30, () => packs, 30);
  assert.deepEqual(perDay, Array(30).fill(Math.ceil(95 / 30)));
  const unread = packs.filter((p) => !history.has(p));
  assert.deepEqual(unread, [], 'every pack read at least once in 30 daily runs');
});

test('over months, no pack waits longer than the window between two reads', () => {
  const packs = packIds(61);
  const { history } = simulate(120, () => packs, 30);
  for (const [pack, times] of history) {
    for (let i = 1; i < times.length; i++) {
      assert.ok(times[i]! - times[i - 1]! <= 30 * DAY_MS, `pack ${pack.slice(-4)} waited ${(times[i]! - times[i - 1]!) / DAY_MS} days`);
    }
  }
  assert.equal(history.size, 61);
});

test('a growing repository still has every pack read within the window of its creation and of its last read', () => {
  // 40 packs at first, then 7 new packs a day: more than the base quota covers.
  const { history, created } = simulate(90, (day) => packIds(40 + 7 * day), 30);
  const end = START + 89 * DAY_MS;
  for (const [pack, born] of created) {
    const times = history.get(pack) ?? [];
    const checkpoints = [born, ...times];
    for (let i = 1; i < checkpoints.length; i++) {
      assert.ok(checkpoints[i]! - checkpoints[i - 1]! <= 30 * DAY_MS, `pack ${pack.slice(-4)} went unread for ${(checkpoints[i]! - checkpoints[i - 1]!) / DAY_MS} days`);
    }
    assert.ok(end - checkpoints.at(-1)! <= 30 * DAY_MS, `pack ${pack.slice(-4)} is overdue at the end`);
  }
});

test('packs whose last read failed come first and are read again every day', () => {
  const packs = packIds(10);
  const now = new Date(START);
  const reads = new Map<string, PackReadState>(packs.map((p, i) => [p, { lastReadAt: new Date(START - (i + 1) * 3600_000).toISOString(), ok: true }]));
  reads.set(packs[0]!, { lastReadAt: new Date(START - 3600_000).toISOString(), ok: false });
  const plan = planPackRotation({ packs, reads, now, readAllWithinDays: 30 });
  assert.equal(plan.failedBefore, 1);
  assert.equal(plan.quota, 1);
  assert.deepEqual(plan.selected, [packs[0], packs[9]], 'the damaged pack, even though it was read an hour ago, then the quota of the rotation');
});

test('a damaged pack read again every day does not push healthy packs past their window', () => {
  // 60 packs over 30 days is exactly the quota of 2 a day: any slot lost to the damaged pack would leave a pack unread.
  const packs = packIds(60);
  const damaged = packs[7]!;
  const reads = new Map<string, PackReadState>();
  const readOn = new Map<string, number>();
  for (let day = 0; day < 30; day++) {
    const now = new Date(START + day * DAY_MS);
    const plan = planPackRotation({ packs, reads, now, readAllWithinDays: 30 });
    for (const p of plan.selected) {
      reads.set(p, { lastReadAt: now.toISOString(), ok: p !== damaged });
      if (!readOn.has(p)) readOn.set(p, day);
    }
    if (readOn.has(damaged) && day > readOn.get(damaged)!) assert.ok(plan.selected.includes(damaged), `day ${day}: the damaged pack is read again`);
  }
  assert.deepEqual(packs.filter((p) => !readOn.has(p)), [], 'every pack read within 30 days despite the daily re-read');
});

test('wherever the damaged pack falls in the rotation, every pack is read within 30 days at ceil(total/30) a day', () => {
  // In a real repository pack IDs are random, so the damaged pack's place in the order is too (it once failed CI at
  // one place only): every place, for every pack count around one and two packs a day.
  const problems: string[] = [];
  for (let total = 1; total <= 70; total++) {
    const packs = packIds(total);
    const quota = Math.ceil(total / 30);
    for (const damaged of packs) {
      const reads = new Map<string, PackReadState>();
      const readOn = new Map<string, number>();
      for (let day = 0; day < 30; day++) {
        const now = new Date(START + day * DAY_MS);
        const { selected } = planPackRotation({ packs, reads, now, readAllWithinDays: 30 });
        if (day === 0 && selected.length !== quota) problems.push(`${total} packs: ${selected.length} read on day 0, not ${quota}`);
        if (readOn.has(damaged) && !selected.includes(damaged)) problems.push(`${total} packs, damaged #${packs.indexOf(damaged)}: not read again on day ${day}`);
        for (const p of selected) {
          reads.set(p, { lastReadAt: now.toISOString(), ok: p !== damaged });
          if (!readOn.has(p)) readOn.set(p, day);
        }
      }
      const unread = packs.filter((p) => !readOn.has(p)).length;
      if (unread > 0) problems.push(`${total} packs, damaged #${packs.indexOf(damaged)}: ${unread} never read in 30 days`);
    }
  }
  assert.deepEqual(problems.slice(0, 10), []);
});

test('never-read packs come before packs read recently; overdue packs exceed the quota', () => {
  const packs = packIds(6);
  const now = new Date(START);
  const reads = new Map<string, PackReadState>([
    [packs[0]!, { lastReadAt: new Date(START - 2 * DAY_MS).toISOString(), ok: true }],
    [packs[1]!, { lastReadAt: new Date(START - 40 * DAY_MS).toISOString(), ok: true }],
    [packs[2]!, { lastReadAt: new Date(START - 35 * DAY_MS).toISOString(), ok: true }],
  ]);
  const plan = planPackRotation({ packs, reads, now, readAllWithinDays: 30 });
  assert.equal(plan.quota, 1);
  assert.equal(plan.overdue, 2);
  assert.equal(plan.neverRead, 3);
  assert.deepEqual(plan.selected, [packs[1], packs[2], packs[3]], 'both overdue packs, oldest first, although the quota is 1, and still one never-read pack');
  const fresh = planPackRotation({ packs, reads: new Map([[packs[0]!, { lastReadAt: now.toISOString(), ok: true }]]), now, readAllWithinDays: 2 });
  assert.deepEqual(fresh.selected, packs.slice(1, 4), 'never-read packs first, ceil(6/2) of them');
  const all = planPackRotation({ packs, reads, now, readAllWithinDays: 1 });
  assert.equal(all.selected.length, 6, 'a window of one day reads everything');
});
