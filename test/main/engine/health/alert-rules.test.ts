/**
 * Every alert rule and threshold, driven by synthetic facts at a fixed time:
 * just inside a threshold nothing fires, just past it the rule does.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { evaluateAlertRules } from '../../../../main/engine/health/alert-rules.ts';
import type { AlertCondition } from '../../../../main/engine/health/alert-types.ts';
import type { DestinationInput, HealthInput, SizeHistory } from '../../../../main/engine/health/health-types.ts';
import { ago, config, GIB, healthyInput, localDestination, NOW, verification } from './health-fixtures.ts';

const PACK = 'c0ffee00'.repeat(8);
const SNAP = 'deadbeef'.repeat(8);

function rules(input: HealthInput, cfg = config()): AlertCondition[] {
  return evaluateAlertRules(input, cfg, NOW);
}

function keys(input: HealthInput, cfg = config()): string[] {
  return rules(input, cfg).map((c) => c.key);
}

function withTier1Age(minutes: number, extra: Partial<HealthInput> = {}): HealthInput {
  return healthyInput(extra, minutes);
}

test('a healthy workstation raises nothing', () => {
  assert.deepEqual(rules(healthyInput()), []);
});

test('no tier-1 backup for more than an hour is critical, keyed per tier', () => {
  assert.deepEqual(keys(withTier1Age(60)), [], 'exactly one hour is still fine');
  const [c, ...rest] = rules(withTier1Age(61));
  assert.equal(rest.length, 0);
  assert.equal(c?.key, 'no-recent-backup:tier-1');
  assert.equal(c?.rule, 'no-recent-backup');
  assert.equal(c?.severity, 'critical');
  assert.match(c?.title ?? '', /^No backup in the last hour/);
  assert.match(c?.message ?? '', /1 h 1 min old/);
  assert.match(c?.message ?? '', /quantai-backup snapshot/);
  assert.equal(c?.data?.['tier'], 1);
});

test('the alert text says why the last attempt failed', () => {
  const input = withTier1Age(120);
  input.tiers[0]!.lastRun = { result: 'failed', startedAt: ago(10), errorMessage: 'the repository drive is not mounted' };
  assert.match(rules(input)[0]?.message ?? '', /failed: the repository drive is not mounted/);
});

test('the tier-1 alert threshold and severity are configurable', () => {
  const cfg = config({ tiers: { tier1: { rpoMinutes: 5, alertAfterMinutes: 20, severity: 'warning' } } });
  const [c] = rules(withTier1Age(21), cfg);
  assert.equal(c?.severity, 'warning');
  assert.match(c?.title ?? '', /last 20 minutes/);
  assert.deepEqual(keys(withTier1Age(19), cfg), []);
});

test('tier 2 alerts after two hours and tier 3 after 26 hours, as warnings', () => {
  const input = healthyInput();
  input.tiers[1]!.sources[0]!.lastSuccess = ago(121);
  input.tiers.push({ tier: 3, sources: [{ kind: 'files', path: '/home/t/archive', lastSuccess: ago(26 * 60 + 1), lastSnapshotId: null }], lastRun: null });
  const found = rules(input);
  assert.deepEqual(found.map((c) => [c.key, c.severity]), [['no-recent-backup:tier-2', 'warning'], ['no-recent-backup:tier-3', 'warning']]);
  assert.match(found[0]?.message ?? '', /quantai-backup backup/);
  input.tiers[1]!.sources[0]!.lastSuccess = ago(119);
  input.tiers[2]!.sources[0]!.lastSuccess = ago(26 * 60 - 1);
  assert.deepEqual(keys(input), []);
});

test('a tier is as fresh as its stalest source', () => {
  const input = healthyInput();
  input.tiers[0]!.sources.push({ kind: 'files', path: '/home/t/keys', lastSuccess: ago(90), lastSnapshotId: null });
  assert.deepEqual(keys(input), ['no-recent-backup:tier-1']);
});

test('a new installation has a grace period before "no backup" fires', () => {
  const fresh = (installedMinutesAgo: number | null): HealthInput => {
    const input = healthyInput({ installedAt: installedMinutesAgo === null ? null : ago(installedMinutesAgo), recentDatabaseSnapshots: [] });
    input.tiers = [{ tier: 1, sources: [{ kind: 'sqlite', path: '/data/trading.db', lastSuccess: null, lastSnapshotId: null }], lastRun: null }];
    return input;
  };
  assert.deepEqual(keys(fresh(30)), [], 'half an hour after init: grace');
  assert.deepEqual(keys(fresh(null)), [], 'no installation date at all: nothing to measure from');
  const [c] = rules(fresh(61));
  assert.equal(c?.key, 'no-recent-backup:tier-1');
  assert.match(c?.message ?? '', /since this installation was set up 1 h 1 min ago/);
});

test('fewer than 20 database snapshots in 24 hours is a warning, once the installation is a day old', () => {
  const times = (n: number): string[] => [...Array.from({ length: n }, (_, i) => ago(5 + i * 60)), ago(25 * 60), ago(26 * 60)];
  assert.deepEqual(keys(healthyInput({ recentDatabaseSnapshots: times(20) })), [], 'older snapshots are not counted, 20 is enough');
  const [c] = rules(healthyInput({ recentDatabaseSnapshots: times(19) }));
  assert.equal(c?.key, 'too-few-backups:tier-1');
  assert.equal(c?.severity, 'warning');
  assert.equal(c?.data?.['count'], 19);
  assert.match(c?.title ?? '', /Only 19 database backups/);
  assert.deepEqual(keys(healthyInput({ recentDatabaseSnapshots: times(2), installedAt: ago(23 * 60) })), [], 'a 23-hour-old installation is not judged yet');
  assert.deepEqual(keys(healthyInput({ recentDatabaseSnapshots: times(2), databaseConfigured: false })), [], 'no database, no count');
  assert.deepEqual(keys(healthyInput({ recentDatabaseSnapshots: times(19) }), config({ minBackupsPerDay: 10 })), []);
});

test('a snapshot more than 50% larger or smaller than the previous one of the same source is a warning', () => {
  const history = (latest: number | null, previous: number | null, kind: 'sqlite' | 'files' = 'sqlite'): SizeHistory => ({
    kind, tier: kind === 'sqlite' ? 1 : 2, source: kind === 'sqlite' ? '/data/trading.db' : '/a\n/b',
    latest: { id: SNAP, time: ago(5), sizeBytes: latest },
    previous: previous === null && latest === null ? null : { id: 'ab'.repeat(32), time: ago(20), sizeBytes: previous },
  });
  const at = (h: SizeHistory, cfg = config()) => rules(healthyInput({ sizeHistory: [h] }), cfg);
  assert.deepEqual(at(history(150, 100)), [], '+50% exactly is within bounds');
  assert.deepEqual(at(history(50, 100)), [], '-50% exactly is within bounds');
  const [grew] = at(history(151, 100));
  assert.equal(grew?.key, 'backup-size-change:sqlite:/data/trading.db');
  assert.equal(grew?.severity, 'warning');
  assert.match(grew?.title ?? '', /\+51%/);
  assert.match(grew?.message ?? '', /deadbeef/);
  assert.equal(grew?.data?.['tier'], 1);
  assert.match(at(history(40 * GIB, 100 * GIB))[0]?.title ?? '', /-60%/);
  assert.equal(at(history(5, 0)).length, 1, 'from empty to something');
  assert.deepEqual(at(history(null, 100)), [], 'an unknown size is not judged');
  assert.deepEqual(at({ ...history(100, 100), previous: null }), [], 'a first snapshot has nothing to compare with');
  assert.equal(at(history(200, 100, 'files'))[0]?.key, 'backup-size-change:files:/a\n/b');
  assert.deepEqual(at(history(151, 100), config({ sizeChangePercent: 60 })), []);
});

test('cloud copies go stale after 26 hours and offsite drives after 31 days; local never does', () => {
  const dest = (kind: 'cloud' | 'offsite' | 'local', lastMinutesAgo: number | null, addedMinutesAgo = 60 * 24 * 90): DestinationInput =>
    localDestination({ name: kind === 'local' ? 'local' : `${kind}-1`, kind, lastSuccess: lastMinutesAgo === null ? null : ago(lastMinutesAgo), addedAt: ago(addedMinutesAgo) });
  const at = (d: DestinationInput, cfg = config()) => rules(healthyInput({ destinations: [d] }), cfg);
  assert.deepEqual(at(dest('cloud', 26 * 60 - 1)), []);
  const [cloud] = at(dest('cloud', 26 * 60 + 1));
  assert.equal(cloud?.key, 'destination-stale:cloud-1');
  assert.equal(cloud?.severity, 'warning');
  assert.equal(cloud?.data?.['destination'], 'cloud-1');
  assert.deepEqual(at(dest('offsite', 31 * 24 * 60 - 1)), []);
  assert.equal(at(dest('offsite', 31 * 24 * 60 + 1))[0]?.key, 'destination-stale:offsite-1');
  assert.deepEqual(at(dest('local', 60 * 24 * 400)).filter((c) => c.rule === 'destination-stale'), []);
  assert.deepEqual(at(dest('cloud', null, 60)), [], 'a cloud destination added an hour ago has not had its chance');
  assert.match(at(dest('cloud', null, 27 * 60))[0]?.message ?? '', /Nothing has been copied/);
  assert.deepEqual(at(dest('cloud', 27 * 60), config({ destinations: { cloudStaleHours: 30 } })), []);
});

test('a repository missing from its folder (an unmounted NAS) is critical', () => {
  assert.deepEqual(rules(healthyInput({ destinations: [localDestination({ present: true })] })), []);
  const [missing] = rules(healthyInput({ destinations: [localDestination({ present: false })] }));
  assert.deepEqual([missing?.key, missing?.severity], ['destination-missing:local', 'critical']);
  assert.match(missing?.message ?? '', /mount/);
});

test('free space: a warning below 10% or 5 GiB, critical below 2%', () => {
  const space = (freeBytes: number, totalBytes: number) => rules(healthyInput({ destinations: [localDestination({ space: { freeBytes, totalBytes } })] }));
  assert.deepEqual(space(101 * GIB, 1000 * GIB), []);
  assert.deepEqual(space(8 * GIB, 40 * GIB), [], '20% and more than 5 GiB free');
  const [pct] = space(99 * GIB, 1000 * GIB);
  assert.deepEqual([pct?.key, pct?.severity], ['destination-low-space:local', 'warning']);
  const [bytes] = space(4 * GIB, 20 * GIB);
  assert.deepEqual([bytes?.key, bytes?.severity], ['destination-low-space:local', 'warning'], '20% free but under 5 GiB');
  const [crit] = space(19 * GIB, 1000 * GIB);
  assert.deepEqual([crit?.key, crit?.severity], ['destination-low-space:local', 'critical']);
  assert.match(crit?.title ?? '', /19\.0 GiB free \(1\.9%\)/);
  assert.deepEqual(rules(healthyInput({ destinations: [localDestination({ space: null })] })), [], 'unknown space is not judged');
  const custom = config({ freeSpace: { warningPercent: 5, warningBytes: 0, criticalPercent: 1 } });
  assert.deepEqual(rules(healthyInput({ destinations: [localDestination({ space: { freeBytes: 60 * GIB, totalBytes: 1000 * GIB } })] }), custom), []);
});

test('a failed verification is critical and names the damaged pack and the affected snapshot', () => {
  const failed = verification({ time: ago(10), level: 'full', ok: false, packs: [PACK], snapshots: [SNAP], messages: ['pack c0ffee00: blob does not match its ID'] });
  const [c] = rules(healthyInput({ destinations: [localDestination({ verifications: [verification({ time: ago(60), level: 'full', ok: true }), failed] })] }));
  assert.equal(c?.key, 'verification-failed:local');
  assert.equal(c?.severity, 'critical');
  assert.match(c?.message ?? '', /damaged pack c0ffee00/);
  assert.match(c?.message ?? '', /affected snapshot deadbeef/);
  assert.deepEqual(c?.data?.['packs'], [PACK]);
  assert.deepEqual(c?.data?.['snapshots'], [SNAP]);
});

test('damaged pack data is cleared only by a later full read', () => {
  const failed = verification({ time: ago(60), level: 'full', ok: false, packs: [PACK] });
  const at = (...later: ReturnType<typeof verification>[]) => keys(healthyInput({ destinations: [localDestination({ verifications: [failed, ...later] })] }));
  assert.deepEqual(at(verification({ time: ago(30), level: 'daily', ok: true }), verification({ time: ago(5), level: 'metadata', ok: true })), ['verification-failed:local']);
  assert.deepEqual(at(verification({ time: ago(90), level: 'full', ok: true })), ['verification-failed:local'], 'an older success clears nothing');
  assert.deepEqual(at(verification({ time: ago(5), level: 'full', ok: true })), []);
});

test('a metadata failure is cleared by a check of the same snapshot or a deeper check', () => {
  const failed = verification({ time: ago(60), level: 'metadata', ok: false, snapshotId: SNAP, messages: ['tree 1234 is not in the index'] });
  const at = (...later: ReturnType<typeof verification>[]) => rules(healthyInput({ destinations: [localDestination({ verifications: [failed, ...later] })] }));
  const [c] = at(verification({ time: ago(5), level: 'metadata', ok: true, snapshotId: 'ab'.repeat(32) }));
  assert.equal(c?.key, 'verification-failed:local', 'another snapshot passing says nothing about this one');
  assert.match(c?.message ?? '', /affected snapshot deadbeef/);
  assert.deepEqual(at(verification({ time: ago(5), level: 'metadata', ok: true, snapshotId: SNAP })), []);
  assert.deepEqual(at(verification({ time: ago(5), level: 'daily', ok: true })), []);
});

test('a failed drill is critical; a drill slower than its objective is a warning', () => {
  const drill = (ok: boolean, durationMs: number, summary: string | null = null) =>
    rules(healthyInput({ destinations: [localDestination({ lastDrill: { ok, time: ago(60), durationMs, rtoMs: 900_000, summary } })] }));
  assert.deepEqual(drill(true, 900_000), [], 'exactly on the objective passes');
  const [failed] = drill(false, 1000, 'integrity_check: page 12 is corrupt');
  assert.deepEqual([failed?.key, failed?.severity], ['drill-failed:local', 'critical']);
  assert.match(failed?.message ?? '', /page 12 is corrupt/);
  const [slow] = drill(true, 900_001);
  assert.deepEqual([slow?.key, slow?.severity], ['drill-slow:local', 'warning']);
  assert.match(slow?.message ?? '', /took 15 min; the recovery-time objective is 15 min/);
});

test('conditions come critical first, then by key', () => {
  const input = withTier1Age(120, {
    recentDatabaseSnapshots: [],
    destinations: [localDestination({ space: { freeBytes: 50 * GIB, totalBytes: 1000 * GIB }, lastDrill: { ok: false, time: ago(5), durationMs: 1, rtoMs: 2, summary: null } })],
  });
  assert.deepEqual(keys(input), ['drill-failed:local', 'no-recent-backup:tier-1', 'destination-low-space:local', 'too-few-backups:tier-1']);
});
