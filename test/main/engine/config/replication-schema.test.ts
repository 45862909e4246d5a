import assert from 'node:assert/strict';
import { test } from 'node:test';
import { configSchema } from '../../../../main/engine/config/config-schema.ts';
import { replicationSchema, replicationSpans } from '../../../../main/engine/config/replication-schema.ts';

const issues = (input: unknown): string[] => {
  const result = replicationSchema.safeParse(input);
  return result.success ? [] : result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
};

test('replication config: off by default, a 48 h point-in-time window and a daily new generation', () => {
  const config = configSchema.parse({ repository: { path: '/srv/repo' } });
  assert.equal(config.replication.enabled, false);
  assert.deepEqual(replicationSpans(config.replication), { windowMs: 48 * 3_600_000, rebaseAfterMs: 24 * 3_600_000 });
  assert.deepEqual(replicationSpans(replicationSchema.parse({ pointInTimeHours: 168, rebaseHours: 12 })), { windowMs: 168 * 3_600_000, rebaseAfterMs: 12 * 3_600_000 });
});

test('replication config: a generation longer than the window, zero or fractional hours and unknown keys are refused by name', () => {
  assert.match(issues({ pointInTimeHours: 12 }).join('\n'), /^rebaseHours: rebaseHours must not exceed pointInTimeHours/);
  assert.deepEqual(issues({ pointInTimeHours: 0 }).map((i) => i.split(':')[0]), ['pointInTimeHours']);
  assert.deepEqual(issues({ rebaseHours: 1.5 }).map((i) => i.split(':')[0]), ['rebaseHours']);
  assert.deepEqual(issues({ windowHours: 24 }).map((i) => i.split(':')[0]), ['']);
});
