/**
 * The replication alert: just inside the lag limit nothing fires, just past it
 * (or with the replicator not shipping while enabled) a critical alert does.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { evaluateAlertRules } from '../../../../main/engine/health/alert-rules.ts';
import type { ReplicationHealthInput } from '../../../../main/engine/health/health-types.ts';
import { ago, config, healthyInput, NOW } from './health-fixtures.ts';

function replication(overrides: Partial<ReplicationHealthInput>): ReplicationHealthInput {
  return { state: 'replicating', message: 'replicating generation 01', lagMaxMs: 0, lagAlertSeconds: 30, lastShippedAt: ago(0), ...overrides };
}

function lagAlerts(r: ReplicationHealthInput | undefined) {
  return evaluateAlertRules(healthyInput(r ? { replication: r } : {}), config(), NOW).filter((c) => c.rule === 'replication-lag');
}

test('lag at the limit is fine; one millisecond more is a critical alert naming the lag', () => {
  assert.deepEqual(lagAlerts(replication({ lagMaxMs: 30_000 })), []);
  const [alert] = lagAlerts(replication({ lagMaxMs: 30_001 }));
  assert.equal(alert?.severity, 'critical');
  assert.match(alert?.title ?? '', /lag 30 ?s.*above 30 ?s/i);
  assert.equal(lagAlerts(replication({ lagMaxMs: 5_000, lagAlertSeconds: 4 })).length, 1, 'the limit comes from the input');
});

test('an enabled replicator that is not shipping is a critical alert; replication off is no alert', () => {
  for (const state of ['stalled', 'failed', 'stopped', 'not-started'] as const) {
    const [alert] = lagAlerts(replication({ state, message: `state ${state}` }));
    assert.equal(alert?.key, 'replication-lag', state);
    assert.match(alert?.message ?? '', new RegExp(`state ${state}`));
  }
  assert.deepEqual(lagAlerts(undefined), []);
});
