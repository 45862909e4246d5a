import assert from 'node:assert/strict';
import { test } from 'node:test';
import { activeBlackout } from '../../../../main/engine/schedule/blackout-window.ts';
import { parsePauseUntil } from '../../../../main/engine/schedule/pause-time.ts';
import { TokenBucket, uploadCapBytesPerSecond } from '../../../../main/engine/schedule/upload-throttle.ts';
import { DEFAULT_BLACKOUTS } from '../../../../main/engine/config/schedule-schema.ts';
import { childArgv } from '../../../../main/engine/schedule/child-executor.ts';

const TZ = 'America/New_York';

test('the token bucket paces uploads to the cap, allowing one burst', () => {
  let nowMs = Date.parse('2026-03-11T15:00:00Z');
  const bucket = new TokenBucket({ bytesPerSecond: 1024 * 1024, clock: { now: () => new Date(nowMs) } });
  assert.equal(bucket.take(1024 * 1024), 0, 'the first second is a burst');
  assert.equal(bucket.take(512 * 1024), 500, 'half a second owed');
  nowMs += 500;
  let sent = 0;
  let waited = 0;
  for (let i = 0; i < 100; i++) {
    const wait = bucket.take(256 * 1024);
    waited += wait;
    nowMs += wait;
    sent += 256 * 1024;
  }
  // 25 MiB more at 1 MiB/s, the bucket empty: 25 s of waiting.
  assert.ok(Math.abs(waited - 25_000) < 50, `waited ${waited} ms for ${sent} bytes`);
  nowMs += 10_000;
  assert.equal(bucket.available(), 1024 * 1024, 'an idle bucket refills only up to its burst');
  assert.equal(uploadCapBytesPerSecond(true, 2048), 2048 * 1024);
  assert.equal(uploadCapBytesPerSecond(false, 2048), null);
  assert.equal(uploadCapBytesPerSecond(true, null), null);
});

test('market hours: a weekday 10:00 is in the blackout until 16:00; a Saturday and 16:00 itself are not', () => {
  const b = activeBlackout(new Date('2026-03-11T14:00:00Z'), DEFAULT_BLACKOUTS, TZ);
  assert.deepEqual(b && { name: b.name, endsAt: b.endsAt.toISOString(), endLabel: b.endLabel },
    { name: 'market hours', endsAt: '2026-03-11T20:00:00.000Z', endLabel: '16:00' });
  assert.equal(activeBlackout(new Date('2026-03-14T14:00:00Z'), DEFAULT_BLACKOUTS, TZ), null);
  assert.equal(activeBlackout(new Date('2026-03-11T20:00:00Z'), DEFAULT_BLACKOUTS, TZ), null);
  assert.equal(activeBlackout(new Date('2026-03-11T13:29:00Z'), DEFAULT_BLACKOUTS, TZ), null);
  assert.notEqual(activeBlackout(new Date('2026-03-11T13:30:00Z'), DEFAULT_BLACKOUTS, TZ), null);
});

test('pause --until understands HH:MM and dates on the exchange clock, ISO times and durations', () => {
  const now = new Date('2026-03-11T14:00:00Z'); // 10:00 EDT
  assert.equal(parsePauseUntil('16:00', now, TZ).toISOString(), '2026-03-11T20:00:00.000Z');
  assert.equal(parsePauseUntil('09:00', now, TZ).toISOString(), '2026-03-12T13:00:00.000Z');
  assert.equal(parsePauseUntil('2026-03-20 08:15', now, TZ).toISOString(), '2026-03-20T12:15:00.000Z');
  assert.equal(parsePauseUntil('90m', now, TZ).toISOString(), '2026-03-11T15:30:00.000Z');
  assert.equal(parsePauseUntil('2d', now, TZ).toISOString(), '2026-03-13T14:00:00.000Z');
  assert.equal(parsePauseUntil('2026-03-12T00:00:00Z', now, TZ).toISOString(), '2026-03-12T00:00:00.000Z');
  assert.throws(() => parsePauseUntil('tomorrow', now, TZ), /--until "tomorrow" is not understood/);
  assert.throws(() => parsePauseUntil('2026-03-01T00:00:00Z', now, TZ), /in the past/);
});

test('heavy jobs run under ionice and nice where they exist; light ones as they are', () => {
  const opts = { command: ['node', 'cli.mjs'] as const, home: '/h', isHeavy: (j: string) => j === 'full', heavyNice: 10 };
  const find = (name: string) => `/usr/bin/${name}`;
  assert.deepEqual(childArgv(opts, 'full', find), ['/usr/bin/ionice', '-c3', '/usr/bin/nice', '-n', '10', 'node', 'cli.mjs', '--home', '/h', 'run', 'full', '--progress-json']);
  assert.deepEqual(childArgv(opts, 'snapshot', find), ['node', 'cli.mjs', '--home', '/h', 'run', 'snapshot', '--progress-json']);
  assert.deepEqual(childArgv(opts, 'full', () => null), ['node', 'cli.mjs', '--home', '/h', 'run', 'full', '--progress-json']);
});
