/**
 * Deletions before retention end, from 'forget' entries: policy thinning that
 * leaves a later snapshot of the same month and source is fine; a forget that
 * empties a month inside retention, or takes an unclassified snapshot, is a
 * finding; a snapshot past its retention may go. Months are the schedule's.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { findEarlyDeletions, sourceKey, type RetainedSnapshot } from '../../../../main/engine/compliance/early-deletions.ts';
import type { OplogEntry } from '../../../../main/engine/compliance/oplog-chain.ts';
import { parseConfig } from '../../../../main/engine/config/load-config.ts';
import { retentionClasses } from '../../../../main/engine/retention/data-classes.ts';

const classes = retentionClasses(parseConfig({ version: 1, repository: { path: '/srv/repo' } }, 'test'));
const DB = ['/data/trading.db'];

function forget(seq: number, time: string, snapshots: { id: string; time: string; class?: string; paths?: string[] }[]): OplogEntry {
  return { seq, time, host: 'ws', user: 'u', type: 'forget', summary: 's', data: { snapshots: snapshots.map((s) => ({ paths: DB, ...s })) }, prevHash: '', hash: '' };
}

const kept = (id: string, time: string, className = 'trade-records', paths = DB): RetainedSnapshot => ({ id, timeMs: Date.parse(time), className, source: sourceKey(paths) });

test('thinning that keeps a later snapshot of the month is not a finding; emptying a month is', () => {
  const retained = [kept('me', '2026-09-30T20:45:00Z')];
  const entries = [
    forget(7, '2026-11-27T00:00:00Z', [{ id: 'thinned', time: '2026-09-14T10:15:00Z', class: 'trade-records' }]),
    forget(8, '2026-11-27T00:00:00Z', [{ id: 'monthend-aug', time: '2026-08-31T20:45:00Z', class: 'trade-records' }]),
  ];
  const found = findEarlyDeletions(entries, classes, retained, 'UTC');
  assert.deepEqual(found.map((f) => [f.seq, f.snapshotId]), [[8, 'monthend-aug']]);
  assert.match(found[0]?.message ?? '', /trade-records, 7y retention until 2033-08-31\) was forgotten on 2026-11-27 and no later snapshot of 2026-08 is retained/);
});

test('the month is the schedule time zone\'s, the source must match, and old or unclassified snapshots are judged apart', () => {
  // 2026-10-01T02:00Z is still 30 September in New York: it keeps September's records there, not in UTC.
  const retained = [kept('early-oct-utc', '2026-10-01T02:00:00Z'), kept('other-source', '2026-09-30T23:00:00Z', 'trade-records', ['/data/other.db'])];
  const entries = [forget(3, '2026-11-27T00:00:00Z', [{ id: 'sep', time: '2026-09-29T12:00:00Z', class: 'trade-records' }])];
  assert.equal(findEarlyDeletions(entries, classes, retained, 'America/New_York').length, 0);
  assert.equal(findEarlyDeletions(entries, classes, retained, 'UTC').length, 1);

  const expired = forget(4, '2026-11-27T00:00:00Z', [{ id: 'tmp', time: '2026-09-01T00:00:00Z', class: 'temporary-files' }]);
  assert.equal(findEarlyDeletions([expired], classes, [], 'UTC').length, 0, 'a 30-day class may lose an 87-day-old snapshot');
  const unclassified = forget(5, '2026-11-27T00:00:00Z', [{ id: 'foreign', time: '2026-11-01T00:00:00Z' }]);
  assert.match(findEarlyDeletions([unclassified], classes, [], 'UTC')[0]?.message ?? '', /belongs to no known data class/);
});
