/**
 * The health model over synthetic facts: per-tier and per-destination rows,
 * the overall state as the worst condition, the two-hour gap and the grace
 * period of a new installation.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildHealth } from '../../../../main/engine/health/health-model.ts';
import type { HealthInput } from '../../../../main/engine/health/health-types.ts';
import { ago, config, GIB, healthyInput, localDestination, NOW, verification } from './health-fixtures.ts';

test('a healthy workstation: every row healthy, ages against the objectives', () => {
  const report = buildHealth(healthyInput(), config(), NOW);
  assert.equal(report.overall, 'healthy');
  assert.equal(report.evaluatedAt, NOW.toISOString());
  assert.deepEqual(report.conditions, []);
  assert.deepEqual(report.tiers.map((t) => [t.tier, t.label, t.state, t.ageSeconds, t.rpoSeconds]), [
    [1, 'Tier 1 (critical)', 'healthy', 300, 900],
    [2, 'Tier 2 (important)', 'healthy', 1800, 3600],
  ]);
  assert.equal(report.tiers[0]?.lastSuccess, ago(5));
  const [local] = report.destinations;
  assert.equal(local?.name, 'local');
  assert.equal(local?.state, 'healthy');
  assert.equal(local?.ageSeconds, 300);
  assert.deepEqual(local?.verification, { state: 'never', lastTime: null });
  assert.equal(local?.lastDrill, null);
  assert.deepEqual([local?.freeBytes, local?.totalBytes], [500 * GIB, 1000 * GIB]);
});

test('a simulated two-hour gap raises "no backup in the last hour"; the next snapshot clears it', () => {
  const gap = healthyInput({ recentDatabaseSnapshots: Array.from({ length: 90 }, (_, i) => ago(120 + i * 15)) }, 120);
  const during = buildHealth(gap, config(), NOW);
  assert.equal(during.overall, 'critical');
  assert.deepEqual(during.conditions.map((c) => c.key), ['no-recent-backup:tier-1']);
  assert.match(during.conditions[0]?.title ?? '', /No backup in the last hour/);
  assert.equal(during.tiers[0]?.state, 'critical');
  assert.equal(during.tiers[0]?.ageSeconds, 7200);
  assert.equal(during.tiers[1]?.state, 'healthy', 'the other tier is not blamed');

  // The same facts evaluated again give the same single condition (one alert, not one per evaluation).
  assert.deepEqual(buildHealth(gap, config(), NOW).conditions, during.conditions);

  const after: HealthInput = structuredClone(gap);
  after.tiers[0]!.sources[0]!.lastSuccess = ago(1);
  after.recentDatabaseSnapshots.push(ago(1));
  const resolved = buildHealth(after, config(), NOW);
  assert.deepEqual(resolved.conditions, []);
  assert.equal(resolved.overall, 'healthy');
  assert.equal(resolved.tiers[0]?.state, 'healthy');
});

test('a new installation is unknown during its grace period, then critical', () => {
  const fresh = (installedMinutesAgo: number): HealthInput => {
    const input = healthyInput({ installedAt: ago(installedMinutesAgo), recentDatabaseSnapshots: [] });
    input.tiers = [{ tier: 1, sources: [{ kind: 'sqlite', path: '/data/trading.db', lastSuccess: null, lastSnapshotId: null }], lastRun: null }];
    input.destinations = [localDestination({ lastSuccess: null })];
    return input;
  };
  const grace = buildHealth(fresh(20), config(), NOW);
  assert.equal(grace.overall, 'unknown');
  assert.deepEqual(grace.conditions, []);
  assert.deepEqual([grace.tiers[0]?.state, grace.tiers[0]?.lastSuccess, grace.tiers[0]?.ageSeconds], ['unknown', null, null]);
  assert.equal(grace.destinations[0]?.state, 'unknown');
  const late = buildHealth(fresh(90), config(), NOW);
  assert.equal(late.overall, 'critical');
  assert.equal(late.tiers[0]?.state, 'critical');
});

test('nothing configured is unknown', () => {
  const report = buildHealth(healthyInput({ tiers: [], databaseConfigured: false, recentDatabaseSnapshots: [] }), config(), NOW);
  assert.equal(report.overall, 'unknown');
});

test('the overall state is the worst condition; a row takes the worst of its own', () => {
  const warningOnly = healthyInput({ destinations: [localDestination({ space: { freeBytes: 50 * GIB, totalBytes: 1000 * GIB } })] });
  const w = buildHealth(warningOnly, config(), NOW);
  assert.equal(w.overall, 'warning');
  assert.equal(w.destinations[0]?.state, 'warning');
  assert.deepEqual(w.tiers.map((t) => t.state), ['healthy', 'healthy']);

  const both = structuredClone(warningOnly);
  both.destinations[0]!.lastDrill = { ok: false, time: ago(30), durationMs: 5000, rtoMs: 900_000, summary: null };
  const c = buildHealth(both, config(), NOW);
  assert.equal(c.overall, 'critical');
  assert.equal(c.destinations[0]?.state, 'critical');
  assert.deepEqual(c.destinations[0]?.lastDrill, { ok: false, time: ago(30), durationMs: 5000, rtoMs: 900_000 });
});

test('a failed verification turns the destination and the overall state critical, with the message on the row', () => {
  const pack = '0badc0de'.repeat(8);
  const input = healthyInput({ destinations: [localDestination({ verifications: [verification({ time: ago(3), level: 'full', ok: false, packs: [pack], snapshots: ['5a'.repeat(32)] })] })] });
  const report = buildHealth(input, config(), NOW);
  assert.equal(report.overall, 'critical');
  const v = report.destinations[0]?.verification;
  assert.equal(v?.state, 'failed');
  assert.equal(v?.lastTime, ago(3));
  assert.match(v?.message ?? '', /0badc0de/);
  assert.match(v?.message ?? '', /5a5a5a5a/);
  assert.equal(report.destinations[0]?.state, 'critical');
});

test('a size change warning marks the tier it belongs to', () => {
  const input = healthyInput({ sizeHistory: [{ kind: 'files', tier: 2, source: '/home/t/research', latest: { id: 'ab'.repeat(32), time: ago(30), sizeBytes: 10 }, previous: { id: 'cd'.repeat(32), time: ago(90), sizeBytes: 100 } }] });
  const report = buildHealth(input, config(), NOW);
  assert.deepEqual(report.tiers.map((t) => t.state), ['healthy', 'warning']);
  assert.equal(report.overall, 'warning');
});
