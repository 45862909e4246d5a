import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CronTimes } from '../../../../main/engine/schedule/cron-times.ts';

const TZ = 'America/New_York';
const iso = (d: Date | null) => d?.toISOString() ?? null;

function nextN(expr: string, from: string, n: number): string[] {
  const cron = new CronTimes(expr, TZ);
  const out: string[] = [];
  let at = new Date(from);
  for (let i = 0; i < n; i++) {
    at = cron.next(at)!;
    out.push(at.toISOString().slice(0, 16));
  }
  cron.dispose();
  return out;
}

test('spring forward 2026-03-08: 02:30 runs at 03:00 EDT (07:00Z); the day after at 02:30 EDT', () => {
  assert.deepEqual(nextN('30 2 * * *', '2026-03-07T12:00:00Z', 3), ['2026-03-08T07:00', '2026-03-09T06:30', '2026-03-10T06:30']);
  // 02:00-02:59 are all skipped: an hourly-at-02 job and a 03:00 job share the 03:00 minute, once each.
  assert.deepEqual(nextN('0 3 * * *', '2026-03-08T05:00:00Z', 1), ['2026-03-08T07:00']);
  assert.deepEqual(nextN('*/20 * * * *', '2026-03-08T06:30:00Z', 4), ['2026-03-08T06:40', '2026-03-08T07:00', '2026-03-08T07:20', '2026-03-08T07:40']);
});

test('fall back 2026-11-01: a daily 01:30 runs once (first showing); an hourly job runs in both showings', () => {
  assert.deepEqual(nextN('30 1 * * *', '2026-10-31T12:00:00Z', 2), ['2026-11-01T05:30', '2026-11-02T06:30']);
  assert.deepEqual(nextN('0 * * * *', '2026-11-01T03:30:00Z', 4), ['2026-11-01T04:00', '2026-11-01T05:00', '2026-11-01T06:00', '2026-11-01T07:00']);
});

test('latest() finds the last scheduled time at or before a moment, after a bound', () => {
  const cron = new CronTimes('0 6 * * *', TZ);
  assert.equal(iso(cron.latest(new Date('2026-03-11T10:00:00Z'))), '2026-03-11T10:00:00.000Z');
  assert.equal(iso(cron.latest(new Date('2026-03-11T09:59:00Z'))), '2026-03-10T10:00:00.000Z');
  assert.equal(cron.latest(new Date('2026-03-11T09:59:00Z'), new Date('2026-03-10T10:00:00Z')), null);
  cron.dispose();
  const monthly = new CronTimes('0 3 1 * *', TZ);
  const start = Date.now();
  assert.equal(iso(monthly.latest(new Date('2026-03-31T12:00:00Z'))), '2026-03-01T08:00:00.000Z');
  assert.ok(Date.now() - start < 2000, 'a month of minutes is searched quickly');
  monthly.dispose();
});

test('a time zone is honoured: 09:30 in Tokyo is 00:30Z', () => {
  const cron = new CronTimes('30 9 * * *', 'Asia/Tokyo');
  assert.equal(iso(cron.next(new Date('2026-06-01T00:00:00Z'))), '2026-06-01T00:30:00.000Z');
  cron.dispose();
});
