import assert from 'node:assert/strict';
import { test } from 'node:test';
import { replicaTargets } from '../../../../main/engine/cloud/replica.ts';

const base = { bucket: 'main-bucket', prefix: 'qb', region: 'us-east-1', sse: { mode: 'AES256' as const } };

test("mode 'mirror' yields the replica bucket with the main bucket's other settings", () => {
  const targets = replicaTargets({ ...base, replica: { bucket: 'copy-bucket', region: 'eu-west-1', mode: 'mirror' as const } });
  assert.deepEqual(targets, [{ bucket: 'copy-bucket', prefix: 'qb', region: 'eu-west-1', sse: { mode: 'AES256' } }]);
});

test("mode 'crr' and no replica yield nothing to mirror", () => {
  assert.deepEqual(replicaTargets({ ...base, replica: { bucket: 'copy-bucket', region: 'eu-west-1', mode: 'crr' as const } }), []);
  assert.deepEqual(replicaTargets(base), []);
});
