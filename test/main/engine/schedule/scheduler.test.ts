import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SCHEDULED_JOBS } from '../../../../main/engine/config/schedule-schema.ts';
import { onlyJobs, makeSchedule, schedulerFixture, succeededAt } from './scheduler-fixture.ts';

const HOUR = 3_600_000;
const MIN = 60_000;

const minuteOf = (iso: string) => iso.slice(0, 16);

test('an 8-hour sleep gives exactly one catch-up run per overdue job, then the schedule resumes', async (t) => {
  // Tuesday 2026-03-10 22:01 in New York; every job last succeeded at 22:00:30.
  const f = schedulerFixture(t, makeSchedule({}), '2026-03-11T02:01:00Z');
  succeededAt(f.catalog, '2026-03-11T02:00:30Z', SCHEDULED_JOBS);
  f.scheduler.start();
  await f.time.advance(30 * MIN);
  assert.deepEqual(f.calls.map((c) => `${c.job} ${minuteOf(c.startedAt)}`), ['snapshot 2026-03-11T02:15', 'snapshot 2026-03-11T02:30']);

  f.calls.length = 0;
  await f.time.sleep(8 * HOUR); // wakes Wednesday 06:31
  await f.scheduler.whenIdle();
  const counts = Object.fromEntries(SCHEDULED_JOBS.map((job) => [job, f.runsOf(job).length]));
  // Overdue: snapshot (32 slots), backup (8), cloud 02:00, retention 04:30, verify 06:00. Not: full (Sun), offsite (1st), drill (2nd).
  assert.deepEqual(counts, { snapshot: 1, backup: 1, full: 0, cloud: 1, offsite: 0, verify: 1, retention: 1, drill: 0 });
  assert.ok(f.logs.some((l) => l.includes('clock jumped')), f.logs.join('\n'));

  f.calls.length = 0;
  await f.time.advance(20 * MIN);
  assert.deepEqual(f.calls.map((c) => `${c.job} ${minuteOf(c.startedAt)}`), ['snapshot 2026-03-11T10:45']);
});

test('start catches up once on jobs never run or overdue, not on jobs done since their last slot', async (t) => {
  const f = schedulerFixture(t, onlyJobs({ snapshot: '*/15 * * * *', backup: '0 * * * *', verify: '0 6 * * *' }), '2026-03-11T10:31:00Z');
  succeededAt(f.catalog, '2026-03-11T10:00:10Z', ['backup', 'verify']);
  f.scheduler.start();
  await f.scheduler.whenIdle();
  assert.deepEqual(f.calls.map((c) => c.job), ['snapshot']);
});

test('spring forward: a time in the skipped hour runs at 03:00, once; nothing runs twice', async (t) => {
  const f = schedulerFixture(t, onlyJobs({ backup: '30 2 * * *', snapshot: '*/30 * * * *' }, { blackouts: [] }), '2026-03-07T17:00:00Z');
  succeededAt(f.catalog, '2026-03-07T17:00:00Z', ['backup', 'snapshot']);
  f.scheduler.start();
  await f.time.advanceTo('2026-03-09T17:00:00Z');
  assert.deepEqual(f.runsOf('backup').map((c) => minuteOf(c.startedAt)), ['2026-03-08T07:00', '2026-03-09T06:30']);
  const snaps = f.runsOf('snapshot').map((c) => minuteOf(c.startedAt));
  assert.equal(new Set(snaps).size, snaps.length, 'a snapshot ran twice in one minute');
  // 02:00 and 02:30 never exist on 2026-03-08: both become the one run at 03:00 EDT (07:00Z).
  const night = snaps.filter((s) => s >= '2026-03-08T05:00' && s <= '2026-03-08T08:00');
  assert.deepEqual(night, ['2026-03-08T05:00', '2026-03-08T05:30', '2026-03-08T06:00', '2026-03-08T06:30', '2026-03-08T07:00', '2026-03-08T07:30', '2026-03-08T08:00']);
  // 48 real hours: one run per real half hour; the skipped 02:00 and 02:30 add none of their own.
  assert.equal(snaps.length, 96);
});

test('fall back: a daily time in the repeated hour runs once; a half-hourly job keeps its real interval', async (t) => {
  const f = schedulerFixture(t, onlyJobs({ backup: '30 1 * * *', snapshot: '*/30 * * * *' }, { blackouts: [] }), '2026-10-31T16:00:00Z');
  succeededAt(f.catalog, '2026-10-31T16:00:00Z', ['backup', 'snapshot']);
  f.scheduler.start();
  await f.time.advanceTo('2026-11-02T16:00:00Z');
  assert.deepEqual(f.runsOf('backup').map((c) => minuteOf(c.startedAt)), ['2026-11-01T05:30', '2026-11-02T06:30']);
  const starts = f.runsOf('snapshot').map((c) => new Date(c.startedAt).getTime());
  // 48 real hours hold 96 half hours: the repeated 01:00 and 01:30 run again, so snapshots never leave a gap.
  assert.equal(starts.length, 96);
  for (let i = 1; i < starts.length; i++) {
    const gap = Math.round((starts[i]! - starts[i - 1]!) / MIN);
    assert.ok(gap >= 29 && gap <= 31, `a ${gap}-minute gap before ${new Date(starts[i]!).toISOString()}`);
  }
});

test('overlapping triggers coalesce into the queued or running run; the standard lane runs one at a time', async (t) => {
  const f = schedulerFixture(t, onlyJobs({ full: '0 1 * * 0', backup: '0 * * * *' }, { blackouts: [] }), '2026-03-11T23:10:00Z');
  succeededAt(f.catalog, '2026-03-11T23:05:00Z', ['full', 'backup']);
  f.scheduler.start();
  f.hold.add('full');
  f.hold.add('backup');
  assert.equal(f.scheduler.runNow('full'), 'queued');
  await f.time.advance(1000);
  assert.equal(f.scheduler.runNow('full'), 'coalesced');
  assert.equal(f.scheduler.runNow('backup'), 'queued');
  assert.equal(f.scheduler.runNow('backup'), 'coalesced');
  // The hourly slot falls due while backup is still queued: it joins the queued run.
  await f.time.advance(55 * MIN);
  assert.deepEqual(f.calls.map((c) => c.job), ['full']);
  assert.equal(f.scheduler.states().find((s) => s.job === 'backup')?.state, 'queued');
  f.release('full');
  await f.time.advance(1000);
  assert.deepEqual(f.calls.map((c) => c.job), ['full', 'backup']);
  f.release('backup');
  await f.scheduler.whenIdle();
  assert.equal(f.calls.length, 2);
});

test('a heavy job running never delays a snapshot', async (t) => {
  const f = schedulerFixture(t, onlyJobs({ snapshot: '*/15 * * * *', full: '0 1 * * 0' }, { blackouts: [] }), '2026-03-15T04:59:00Z');
  succeededAt(f.catalog, '2026-03-15T04:50:00Z', ['snapshot', 'full']);
  f.hold.add('full');
  f.scheduler.start();
  await f.time.advanceTo('2026-03-15T06:00:30Z'); // full started at Sunday 01:00 EST... EDT: 05:00Z
  assert.equal(f.runsOf('full').length, 1);
  assert.equal(f.runsOf('full')[0]!.endedAt, null, 'full is still running');
  assert.deepEqual(f.runsOf('snapshot').map((c) => minuteOf(c.startedAt)),
    ['2026-03-15T05:00', '2026-03-15T05:15', '2026-03-15T05:30', '2026-03-15T05:45', '2026-03-15T06:00']);
  f.release('full');
});

test('blackouts defer heavy jobs until they end and never snapshots or light jobs', async (t) => {
  // Wednesday 10:00 in New York: inside the default market-hours blackout.
  const f = schedulerFixture(t, onlyJobs({ snapshot: '*/15 * * * *', backup: '0 * * * *', verify: '0 6 * * *' }), '2026-03-11T14:00:00Z');
  succeededAt(f.catalog, '2026-03-11T14:00:00Z', ['snapshot', 'backup', 'verify']);
  f.scheduler.start();
  f.scheduler.runNow('verify');
  await f.time.advance(20 * MIN);
  const verify = f.scheduler.states().find((s) => s.job === 'verify')!;
  assert.equal(verify.state, 'waiting');
  assert.equal(verify.wait?.message, 'waiting until 16:00 (blackout: market hours)');
  assert.deepEqual(f.calls.map((c) => `${c.job} ${minuteOf(c.startedAt)}`), ['snapshot 2026-03-11T14:15']);
  f.calls.length = 0;
  await f.time.advanceTo('2026-03-11T20:05:00Z');
  assert.equal(f.runsOf('verify').length, 1);
  assert.equal(minuteOf(f.runsOf('verify')[0]!.startedAt), '2026-03-11T20:00', 'verify starts as the blackout ends at 16:00');
  assert.ok(f.runsOf('backup').length >= 6, 'hourly file backups ran during market hours');
});

test('a paused job says why and until when, and runs once after the pause ends', async (t) => {
  const f = schedulerFixture(t, onlyJobs({ backup: '0 * * * *' }, { blackouts: [] }), '2026-03-11T14:30:00Z');
  succeededAt(f.catalog, '2026-03-11T14:10:00Z', ['backup']);
  f.state.pause('backup', new Date('2026-03-11T17:20:00Z'), 'NAS maintenance');
  f.scheduler.start();
  await f.time.advanceTo('2026-03-11T16:30:00Z');
  const s = f.scheduler.states().find((x) => x.job === 'backup')!;
  assert.equal(s.state, 'waiting');
  assert.equal(s.wait?.message, 'paused until 2026-03-11 13:20 because NAS maintenance');
  assert.equal(f.calls.length, 0);
  await f.time.advanceTo('2026-03-11T17:30:00Z');
  assert.deepEqual(f.calls.map((c) => minuteOf(c.startedAt)), ['2026-03-11T17:20']);
  assert.ok(f.logs.some((l) => l.includes('pause (NAS maintenance) ended')));
  assert.equal(f.state.pauseAt('backup', f.time.now()).pause, null);
});

test('jobs that need the network wait for it with backoff', async (t) => {
  const f = schedulerFixture(t, onlyJobs({ cloud: '0 2 * * *' }, { blackouts: [] }), '2026-03-11T06:00:00Z',
    { networkBackoff: { initialMs: 30_000, maxMs: 120_000 } });
  succeededAt(f.catalog, '2026-03-10T06:05:00Z', ['cloud']);
  f.network.online = false;
  f.scheduler.start();
  await f.time.advance(8 * MIN);
  assert.equal(f.calls.length, 0);
  const gaps = f.network.checks.slice(1).map((c, i) => (Date.parse(c) - Date.parse(f.network.checks[i]!)) / 1000);
  assert.deepEqual(gaps.slice(0, 4).map((g) => Math.round(g)), [30, 60, 120, 120]);
  assert.match(f.scheduler.states().find((s) => s.job === 'cloud')!.wait!.message, /waiting for the network/);
  f.network.online = true;
  await f.time.advance(3 * MIN);
  assert.equal(f.runsOf('cloud').length, 1);
});

test('stop() cancels the running job through its AbortSignal and waits for it', async (t) => {
  const f = schedulerFixture(t, onlyJobs({ full: '0 1 * * 0' }, { blackouts: [] }), '2026-03-11T23:10:00Z');
  succeededAt(f.catalog, '2026-03-11T23:05:00Z', ['full']);
  f.hold.add('full');
  f.scheduler.start();
  f.scheduler.runNow('full');
  await f.time.advance(1000);
  assert.equal(f.calls.length, 1);
  await f.scheduler.stop();
  assert.equal(f.calls[0]!.signal.aborted, true);
  assert.notEqual(f.calls[0]!.endedAt, null);
  assert.equal(f.scheduler.runNow('backup'), 'closed');
});
