import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parsePointInTime } from '../../../../main/engine/replication/pitr-time.ts';

test('RFC 3339 times keep their own offset, whatever the schedule zone', () => {
  assert.equal(parsePointInTime('2026-11-27T14:03:07.250+01:00', 'America/New_York').toISOString(), '2026-11-27T13:03:07.250Z');
  assert.equal(parsePointInTime('2026-11-27T14:03:07Z', 'Asia/Tokyo').toISOString(), '2026-11-27T14:03:07.000Z');
});

test('a wall time is read on the schedule zone clock, seconds and milliseconds optional', () => {
  assert.equal(parsePointInTime('2026-11-27 14:03', 'America/New_York').toISOString(), '2026-11-27T19:03:00.000Z');
  assert.equal(parsePointInTime('2026-07-01 09:30:15', 'America/New_York').toISOString(), '2026-07-01T13:30:15.000Z');
  assert.equal(parsePointInTime('2026-11-27 14:03:07.5', 'UTC').toISOString(), '2026-11-27T14:03:07.500Z');
});

test('a repeated wall time (fall back) means its first occurrence; a skipped one is refused', () => {
  // 2026-11-01 01:30 happens twice in New York: first in EDT (UTC-4).
  assert.equal(parsePointInTime('2026-11-01 01:30', 'America/New_York').toISOString(), '2026-11-01T05:30:00.000Z');
  assert.throws(() => parsePointInTime('2026-03-08 02:30', 'America/New_York'), /does not exist on the America\/New_York clock/);
});

test('nonsense and impossible dates are refused in one line saying what to type', () => {
  for (const bad of ['yesterday', '2026-02-30 10:00', '2026-11-27 25:00', '2026-11-27T10:00:00+0100']) {
    assert.throws(() => parsePointInTime(bad, 'UTC'), (err: Error) => {
      assert.match(err.message, /^--at "/);
      assert.ok(!err.message.includes('\n'));
      return true;
    });
  }
});
