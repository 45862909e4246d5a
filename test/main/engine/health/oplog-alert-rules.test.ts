/**
 * The operations log's alert rules on synthetic facts: a broken chain found
 * by the newest check is critical; unflushed entries are a warning only past
 * one day; an intact log, or none at all, raises nothing.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { evaluateAlertRules } from '../../../../main/engine/health/alert-rules.ts';
import type { AlertCondition } from '../../../../main/engine/health/alert-types.ts';
import type { OplogHealthInput } from '../../../../main/engine/health/health-types.ts';
import { config, healthyInput, NOW } from './health-fixtures.ts';

const iso = (minutesAgo: number): string => new Date(NOW.getTime() - minutesAgo * 60_000).toISOString();

function oplogConditions(oplog: OplogHealthInput | undefined): AlertCondition[] {
  return evaluateAlertRules(healthyInput(oplog ? { oplog } : {}), config(), NOW).filter((c) => c.rule.startsWith('oplog'));
}

const intact: OplogHealthInput = { lastCheck: { time: iso(60), ok: true, message: 'chain intact', firstBadSeq: null }, pending: 1, oldestPendingAt: iso(5) };

test('an intact log, a log never checked and no log raise nothing', () => {
  assert.deepEqual(oplogConditions(undefined), []);
  assert.deepEqual(oplogConditions(intact), []);
  assert.deepEqual(oplogConditions({ lastCheck: null, pending: 0, oldestPendingAt: null }), []);
});

test('a broken chain is critical and names the first bad entry and what to run', () => {
  const [c, ...rest] = oplogConditions({
    ...intact,
    lastCheck: { time: iso(30), ok: false, message: 'chain BROKEN, 1 problem(s); first: entry 17 does not match its hash', firstBadSeq: 17 },
  });
  assert.equal(rest.length, 0);
  assert.equal(c?.key, 'oplog-broken');
  assert.equal(c?.severity, 'critical');
  assert.equal(c?.title, 'The operations log is broken at entry 17');
  assert.match(c?.message ?? '', /entry 17 does not match its hash/);
  assert.match(c?.message ?? '', /quantai-backup compliance verify-log/);
  assert.equal(c?.data?.['destination'], 'local', 'the local row shows it');
  // Health ranks it with the other critical conditions.
  const all = evaluateAlertRules(healthyInput({ oplog: { ...intact, lastCheck: { ...intact.lastCheck!, ok: false } } }), config(), NOW);
  assert.equal(all[0]?.severity, 'critical');
});

test('a newer intact check clears the alert: only the newest check counts', () => {
  assert.deepEqual(oplogConditions({ ...intact, lastCheck: { time: iso(1), ok: true, message: 'chain intact', firstBadSeq: null } }), []);
});

test('unflushed entries warn only once the oldest is more than a day old', () => {
  assert.deepEqual(oplogConditions({ ...intact, pending: 96, oldestPendingAt: iso(24 * 60) }), [], 'exactly one day is still fine');
  const [c, ...rest] = oplogConditions({ ...intact, pending: 97, oldestPendingAt: iso(24 * 60 + 1) });
  assert.equal(rest.length, 0);
  assert.equal(c?.key, 'oplog-backlog');
  assert.equal(c?.severity, 'warning');
  assert.match(c?.title ?? '', /^97 operations log entries have not reached the repository for 24 h 1 min$/);
  assert.match(c?.message ?? '', /exist only in this machine's catalog/);
  assert.equal(c?.data?.['pending'], 97);
});
