import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cloudSchema } from '../../../../main/engine/config/cloud-schema.ts';
import { configSchema } from '../../../../main/engine/config/config-schema.ts';

const issuePaths = (input: unknown): string[] => {
  const result = cloudSchema.safeParse(input);
  return result.success ? [] : result.error.issues.map((i) => i.path.join('.'));
};

test('cloud config: absent means disabled, with AES256 and a prefix by default', () => {
  const config = configSchema.parse({ repository: { path: '/srv/repo' } });
  assert.equal(config.cloud.enabled, false);
  assert.equal(config.cloud.sse.mode, 'AES256');
  assert.equal(config.cloud.prefix, 'quantai-backup');
  assert.equal(config.cloud.region, 'us-east-1');
});

test('cloud config: a full section parses, and slashes around the prefix are dropped', () => {
  const c = cloudSchema.parse({
    enabled: true, bucket: 'trading-backups', prefix: '/ws1/', region: 'eu-west-1', endpoint: 'https://s3.wasabisys.com',
    forcePathStyle: true, storageClass: 'STANDARD_IA', sse: { mode: 'aws:kms', kmsKeyId: 'alias/backup' },
    replica: { bucket: 'trading-backups-dr', region: 'eu-central-1' }, objectLock: { mode: 'COMPLIANCE' },
  });
  assert.equal(c.prefix, 'ws1');
  assert.equal(c.replica?.mode, 'crr');
  assert.equal(c.objectLock?.years, 7);
});

test('cloud config: bad values are named by path', () => {
  assert.deepEqual(issuePaths({ enabled: true }), ['bucket']);
  assert.deepEqual(issuePaths({ bucket: 'Bad_Bucket' }), ['bucket']);
  assert.deepEqual(issuePaths({ endpoint: 'ftp://x' }), ['endpoint']);
  assert.deepEqual(issuePaths({ sse: { kmsKeyId: 'k' } }), ['sse.kmsKeyId']);
  assert.deepEqual(issuePaths({ storageClass: 'DEEP_ARCHIVE' }), ['storageClass']);
  assert.deepEqual(issuePaths({ prefix: 'a/../b' }), ['prefix']);
  assert.deepEqual(issuePaths({ bucket: 'ok-bucket', acessKey: 'x' }), ['']);
  assert.deepEqual(issuePaths({ objectLock: { mode: 'LEGAL', years: 7 } }), ['objectLock.mode']);
});

test('cloud config: a crr replica takes an IAM role ARN; a malformed one or one on a mirror replica is named', () => {
  const role = 'arn:aws:iam::123456789012:role/qb-replication';
  const c = cloudSchema.parse({ bucket: 'ok-bucket', replica: { bucket: 'ok-replica', region: 'eu-west-1', roleArn: role } });
  assert.equal(c.replica?.roleArn, role);
  assert.deepEqual(issuePaths({ replica: { bucket: 'ok-replica', region: 'eu-west-1', roleArn: 'qb-replication' } }), ['replica.roleArn']);
  assert.deepEqual(issuePaths({ replica: { bucket: 'ok-replica', region: 'eu-west-1', mode: 'mirror', roleArn: role } }), ['replica.roleArn']);
});
