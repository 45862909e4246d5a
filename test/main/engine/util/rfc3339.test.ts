import assert from 'node:assert/strict';
import { lstatSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { compareRfc3339, formatRfc3339Nano, parseRfc3339Nano, statTimes } from '../../../../main/engine/util/rfc3339.ts';
import { tempDir } from '../../../support/temp-dir.ts';

test('formats like Go RFC3339Nano: trailing zeros dropped, Z for UTC, offsets otherwise', () => {
  const ns = 1_704_164_645_123_456_789n; // 2024-01-02T03:04:05.123456789Z
  assert.equal(formatRfc3339Nano(ns, 0), '2024-01-02T03:04:05.123456789Z');
  assert.equal(formatRfc3339Nano(ns, 60), '2024-01-02T04:04:05.123456789+01:00');
  assert.equal(formatRfc3339Nano(ns, -330), '2024-01-01T21:34:05.123456789-05:30');
  assert.equal(formatRfc3339Nano(1_704_164_645_120_000_000n, 0), '2024-01-02T03:04:05.12Z');
  assert.equal(formatRfc3339Nano(1_704_164_645_000_000_000n, 0), '2024-01-02T03:04:05Z');
  assert.equal(formatRfc3339Nano(-1n, 0), '1969-12-31T23:59:59.999999999Z');
});

test('parses back to the same nanoseconds, whatever the offset', () => {
  for (const ns of [0n, 1n, 1_704_164_645_123_456_789n, -1_500_000_000_000_000_001n, 4_102_444_800_999_999_999n]) {
    for (const offset of [0, 60, -420, 345]) assert.equal(parseRfc3339Nano(formatRfc3339Nano(ns, offset)), ns, `${ns} ${offset}`);
  }
  assert.equal(parseRfc3339Nano('2024-01-02T03:04:05.5+00:00'), 1_704_164_645_500_000_000n);
  assert.throws(() => parseRfc3339Nano('2024-01-02 03:04:05'), SyntaxError);
});

test('compares instants across zones', () => {
  assert.equal(compareRfc3339('2024-01-02T04:00:00+01:00', '2024-01-02T03:30:00Z'), -1);
  assert.equal(compareRfc3339('2024-01-02T04:00:00+01:00', '2024-01-02T03:00:00Z'), 0);
  assert.equal(compareRfc3339('2024-01-02T03:00:00.000000001Z', '2024-01-02T03:00:00Z'), 1);
});

test('statTimes keeps the nanoseconds of fs.Stats', (t) => {
  const file = join(tempDir(t), 'f');
  writeFileSync(file, 'x');
  const st = lstatSync(file, { bigint: true });
  const times = statTimes(st);
  assert.equal(parseRfc3339Nano(times.mtime), st.mtimeNs);
  assert.equal(parseRfc3339Nano(times.ctime), st.ctimeNs);
  assert.equal(parseRfc3339Nano(times.atime), st.atimeNs);
});
