/**
 * Coverage and gaps of a data class on metadata: a new installation is
 * measured from its first backup, thinned month-end history passes, history
 * cut short before retention end is a violation, and gap days are counted in
 * the schedule's time zone.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { classCoverage } from '../../../../main/engine/compliance/class-coverage.ts';
import { BUILT_IN_CLASSES, retentionClasses } from '../../../../main/engine/retention/data-classes.ts';
import { parseConfig } from '../../../../main/engine/config/load-config.ts';

const DAY = 86_400_000;
const config = parseConfig({ version: 1, repository: { path: '/srv/repo' } }, 'test');
const tradeRecords = retentionClasses(config).find((c) => c.name === BUILT_IN_CLASSES[0]?.name)!;
const now = new Date('2026-11-27T18:00:00Z');

test('a three-day-old installation is covered: required days follow the first backup, not seven years', () => {
  const first = now.getTime() - 3 * DAY;
  const times = [first, first + DAY, first + 2 * DAY, now.getTime() - 3600_000];
  const c = classCoverage(tradeRecords, times, first, now, 'UTC');
  assert.equal(c.ok, true, c.problem ?? '');
  assert.equal(c.requiredDays, 3);
  assert.equal(c.gapDays, 0);
});

test('seven years of month-end snapshots plus a recent daily tail is covered; losing the oldest two years is a violation', () => {
  const first = Date.parse('2019-11-30T21:00:00Z');
  const monthEnds: number[] = [];
  for (let m = 0; m < 84; m++) monthEnds.push(Date.UTC(2019, 11 + m, 0, 21)); // last day of each month
  const daily = Array.from({ length: 400 }, (_, i) => now.getTime() - (i + 1) * DAY);
  const full = classCoverage(tradeRecords, [...monthEnds, ...daily], first, now, 'UTC');
  assert.equal(full.ok, true, full.problem ?? '');
  assert.equal(full.requiredDays, Math.round((now.getTime() - first) / DAY), 'from the first backup: it is younger than 7 years');

  const cut = monthEnds.filter((t) => t > Date.parse('2021-12-01T00:00:00Z'));
  const broken = classCoverage(tradeRecords, [...cut, ...daily], first, now, 'UTC');
  assert.equal(broken.ok, false);
  assert.match(broken.problem ?? '', /oldest retained snapshot of trade-records is from 2021-12-31.* must reach back to 2019-11-/);
});

test('gap days are the days without a snapshot in the daily window, in the schedule time zone', () => {
  const first = now.getTime() - 10 * DAY;
  // One snapshot a day at 02:30 UTC, except 2026-11-21 (UTC) ... which New York still counts as 2026-11-20 evening.
  const times = Array.from({ length: 11 }, (_, i) => Date.UTC(2026, 10, 17 + i, 2, 30)).filter((t) => new Date(t).getUTCDate() !== 21);
  const utc = classCoverage(tradeRecords, times, first, now, 'UTC');
  assert.deepEqual(utc.gaps, ['2026-11-21']);
  const ny = classCoverage(tradeRecords, times, first, now, 'America/New_York');
  // In New York each 02:30 UTC snapshot falls on the previous evening: the missing one leaves 2026-11-20 empty.
  assert.deepEqual(ny.gaps, ['2026-11-20']);
});
