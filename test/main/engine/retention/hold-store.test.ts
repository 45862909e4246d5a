import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { Catalog } from '../../../../main/engine/catalog/catalog.ts';
import { ConfigError } from '../../../../main/engine/errors.ts';
import { activeHolds, addHold, allHolds, releaseHold } from '../../../../main/engine/retention/hold-store.ts';
import { parseHoldTime } from '../../../../main/engine/retention/hold-time.ts';
import { isHeld } from '../../../../main/engine/retention/holds.ts';
import { tempDir } from '../../../support/temp-dir.ts';

test('holds are stored, listed, released with a reason and never deleted', (t) => {
  const catalog = Catalog.open(join(tempDir(t), 'catalog.db'));
  t.after(() => catalog.close());
  const now = new Date('2026-11-27T15:00:00Z');
  const a = addHold(catalog, { scope: { type: 'snapshot', snapshotId: 'a'.repeat(64) }, reason: ' SEC inquiry ', createdBy: 'ops@ws', now });
  const b = addHold(catalog, { scope: { type: 'range', from: '2026-03-01T05:00:00.000Z', to: '2026-03-02T04:59:59.999Z' }, reason: 'FINRA', createdBy: 'ops@ws', now });
  const c = addHold(catalog, { scope: { type: 'class', className: 'trade-records' }, reason: 'litigation', createdBy: 'ops@ws', now });
  assert.equal(a.reason, 'SEC inquiry');
  assert.deepEqual(activeHolds(catalog).map((h) => h.id), [a.id, b.id, c.id]);

  const holds = activeHolds(catalog);
  assert.ok(isHeld({ id: 'a'.repeat(64), time: '2020-01-01T00:00:00Z', className: 'important-files' }, holds));
  assert.ok(isHeld({ id: 'b'.repeat(64), time: '2026-03-02T04:59:59.999Z', className: null }, holds), 'range end included');
  assert.ok(!isHeld({ id: 'b'.repeat(64), time: '2026-03-02T05:00:00Z', className: 'important-files' }, holds));
  assert.ok(isHeld({ id: 'b'.repeat(64), time: '2021-01-01T00:00:00Z', className: 'trade-records' }, holds));

  const released = releaseHold(catalog, c.id, { reason: 'case closed', releasedBy: 'legal@ws', now: new Date('2026-12-01T00:00:00Z') });
  assert.equal(released.releaseReason, 'case closed');
  assert.equal(released.releasedBy, 'legal@ws');
  assert.deepEqual(activeHolds(catalog).map((h) => h.id), [a.id, b.id]);
  assert.equal(allHolds(catalog).length, 3, 'a released hold stays in the history');
  assert.ok(!isHeld({ id: 'b'.repeat(64), time: '2021-01-01T00:00:00Z', className: 'trade-records' }, allHolds(catalog)), 'released holds keep nothing');
  assert.throws(() => releaseHold(catalog, c.id, { reason: 'again', releasedBy: 'x', now }), /already released on 2026-12-01/);
  assert.throws(() => releaseHold(catalog, 99, { reason: 'x', releasedBy: 'x', now }), /there is no legal hold #99/);
  assert.throws(() => releaseHold(catalog, a.id, { reason: ' ', releasedBy: 'x', now }), ConfigError);
  assert.throws(() => addHold(catalog, { scope: { type: 'class', className: 'x' }, reason: '', createdBy: 'x', now }), /needs a reason/);
  assert.throws(
    () => addHold(catalog, { scope: { type: 'range', from: '2026-02-01T00:00:00Z', to: '2026-01-01T00:00:00Z' }, reason: 'r', createdBy: 'x', now }),
    /starts \(2026-02-01T00:00:00Z\) after it ends/,
  );
  assert.equal(allHolds(catalog).length, 3, 'refused holds leave nothing behind');
});

test('hold times: whole days and local times on the schedule clock, ISO times as given', () => {
  assert.equal(parseHoldTime('2026-03-01', 'from', 'America/New_York'), '2026-03-01T05:00:00.000Z');
  assert.equal(parseHoldTime('2026-03-01', 'to', 'America/New_York'), '2026-03-02T04:59:59.999Z');
  // 8 March 2026 is 23 hours long in New York (DST starts).
  assert.equal(parseHoldTime('2026-03-08', 'to', 'America/New_York'), '2026-03-09T03:59:59.999Z');
  assert.equal(parseHoldTime('2026-07-01T14:30', 'from', 'America/New_York'), '2026-07-01T18:30:00.000Z');
  assert.equal(parseHoldTime('2026-07-01T14:30', 'to', 'America/New_York'), '2026-07-01T18:30:59.999Z');
  assert.equal(parseHoldTime('2026-07-01T14:30:00+02:00', 'from', 'America/New_York'), '2026-07-01T12:30:00.000Z');
  assert.throws(() => parseHoldTime('2026-02-30', 'from', 'UTC'), /--from "2026-02-30" is not a time/);
  assert.throws(() => parseHoldTime('yesterday', 'to', 'UTC'), ConfigError);
  // Readings that do not exist are refused, never rolled over into another range.
  for (const text of ['2026-13-01', '2026-11-27T25:00', '2026-11-27 23:60', '2026-04-31T10:00:00Z', '2026-11-27T10:00:61+01:00']) {
    assert.throws(() => parseHoldTime(text, 'from', 'UTC'), /is not a time/, text);
  }
});
