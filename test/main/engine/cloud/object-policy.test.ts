import assert from 'node:assert/strict';
import { test } from 'node:test';
import { objectPolicy, snapshotRetention } from '../../../../main/engine/cloud/object-policy.ts';
import { configSchema } from '../../../../main/engine/config/config-schema.ts';
import type { Snapshot } from '../../../../main/engine/repo/types.ts';

const config = configSchema.parse({ repository: { path: '/srv/repo' } });
const NOW = new Date('2026-06-01T00:00:00Z');

function snapshot(time: string, tags: string[]): Snapshot {
  return { time, tree: 'a'.repeat(64), paths: ['/data'], hostname: 'ws', username: 'u', uid: 0, gid: 0, tags };
}

test('a snapshot is retained by its data class from the time it was taken; nanosecond times parse', () => {
  const trades = snapshotRetention(snapshot('2026-05-31T10:00:00.123456789+02:00', ['quantai', 'kind:sqlite', 'tier:1']), config, 'COMPLIANCE', NOW);
  assert.equal(trades?.until.toISOString(), '2033-05-31T08:00:00.123Z');
  assert.equal(trades?.mode, 'COMPLIANCE');
  const tier2 = snapshotRetention(snapshot('2026-05-31T08:00:00Z', ['quantai', 'kind:files', 'tier:2']), config, 'GOVERNANCE', NOW);
  assert.equal(tier2?.until.toISOString(), '2028-05-31T08:00:00.000Z');
  const tier3 = snapshotRetention(snapshot('2026-05-31T08:00:00Z', ['quantai', 'kind:files', 'tier:3']), config, 'GOVERNANCE', NOW);
  assert.equal(tier3?.until.toISOString(), '2026-06-30T08:00:00.000Z');
});

test('no per-object retention for a snapshot not ours, or whose period is over (S3 refuses past dates)', () => {
  assert.equal(snapshotRetention(snapshot('2026-05-31T08:00:00Z', ['kind:files', 'tier:1']), config, 'COMPLIANCE', NOW), null);
  assert.equal(snapshotRetention(snapshot('2026-01-01T08:00:00Z', ['quantai', 'kind:files', 'tier:3']), config, 'COMPLIANCE', NOW), null);
});

test('packs are tagged by blob type, unindexed packs are not; snapshots get retention only with a lock mode', async () => {
  const sn = snapshot('2026-05-31T08:00:00Z', ['quantai', 'kind:files', 'tier:1']);
  const loads: string[] = [];
  const options = {
    packTypes: new Map([['p1', 'tree' as const], ['p2', 'data' as const]]),
    loadSnapshot: async (id: string) => { loads.push(id); return sn; },
    config, now: NOW,
  };
  const locked = objectPolicy({ ...options, lockMode: 'COMPLIANCE' });
  assert.deepEqual(await locked({ type: 'data', name: 'p1' }), { tags: { 'qb-blob-type': 'tree' } });
  assert.deepEqual(await locked({ type: 'data', name: 'p2' }), { tags: { 'qb-blob-type': 'data' } });
  assert.deepEqual(await locked({ type: 'data', name: 'p3' }), {});
  assert.deepEqual(await locked({ type: 'index', name: 'i1' }), {});
  assert.equal((await locked({ type: 'snapshot', name: 's1' })).retention?.until.toISOString(), '2033-05-31T08:00:00.000Z');
  const unlocked = objectPolicy({ ...options, lockMode: undefined });
  assert.deepEqual(await unlocked({ type: 'snapshot', name: 's2' }), {});
  assert.deepEqual(loads, ['s1'], 'snapshots are decrypted only when a retention date is wanted');
});
