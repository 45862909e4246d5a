/**
 * The health report's replication row: absent (and no effect on the overall
 * state) when replication is off; healthy with generation, lag p95/max and the
 * last durable commit while shipping; critical, with the overall state, when
 * the lag passes the limit. `status` prints it as one line.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatHealth } from '../../../../main/cli/health-printer.ts';
import { buildHealth } from '../../../../main/engine/health/health-model.ts';
import type { ReplicationHealthInput } from '../../../../main/engine/health/health-types.ts';
import { ago, config, healthyInput, NOW } from './health-fixtures.ts';

function replication(overrides: Partial<ReplicationHealthInput> = {}): ReplicationHealthInput {
  return {
    state: 'replicating', message: 'replicating generation 01a21e8c870ec825', lagMaxMs: 420, lagAlertSeconds: 30, lastShippedAt: ago(0),
    generation: '01a21e8c870ec825', lagP95Ms: 180, lagSamples: 900, lastCommitAt: ago(0.05),
    ...overrides,
  };
}

test('replication off is no row and leaves the overall state as it was; shipping is a healthy row', () => {
  const off = buildHealth(healthyInput(), config(), NOW);
  assert.equal(off.replication, null);
  const on = buildHealth(healthyInput({ replication: replication() }), config(), NOW);
  assert.equal(on.overall, off.overall);
  assert.deepEqual(on.replication, {
    state: 'healthy', replicator: 'replicating', message: 'replicating generation 01a21e8c870ec825', generation: '01a21e8c870ec825',
    lagP95Ms: 180, lagMaxMs: 420, lagSamples: 900, lagAlertSeconds: 30, lastCommitAt: ago(0.05), lastCommitAgeSeconds: 3, lastShippedAt: ago(0),
  });
  const line = formatHealth(on).find((l) => l.startsWith('replication:'));
  assert.equal(line, 'replication: healthy, replicating generation 01a21e8c870ec825; lag p95 180 ms, max 420 ms (limit 30 s); last durable commit 3 s ago');
  assert.equal(formatHealth(off).some((l) => l.startsWith('replication:')), false);
});

test('lag past the limit makes the row and the overall state critical; a stopped replicator too', () => {
  const slow = buildHealth(healthyInput({ replication: replication({ lagMaxMs: 31_000, lagP95Ms: 12_500 }) }), config(), NOW);
  assert.equal(slow.replication?.state, 'critical');
  assert.equal(slow.overall, 'critical');
  assert.match(formatHealth(slow).find((l) => l.startsWith('replication:')) ?? '', /^replication: critical, .*lag p95 12\.5 s, max 31\.0 s \(limit 30 s\)/);

  const stopped = buildHealth(healthyInput({ replication: replication({ state: 'stopped', message: 'replication is stopped', lagSamples: 0, lagP95Ms: 0, lagMaxMs: 0 }) }), config(), NOW);
  assert.equal(stopped.replication?.state, 'critical');
  assert.equal(stopped.replication?.replicator, 'stopped');
  assert.match(formatHealth(stopped).find((l) => l.startsWith('replication:')) ?? '', /no segment shipped recently/);
});
