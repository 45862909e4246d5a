// Bucket configuration reads answered by a recording server (s3rver has none of these settings).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bucketStatus } from '../../../../main/engine/cloud/bucket-status.ts';
import type { BucketSettings } from '../../../../main/engine/cloud/bucket-settings.ts';
import { queryKeys, s3ErrorReply, startRecordingS3, xmlReply, type ScriptedReply } from '../../../support/recording-s3-server.ts';

const NS = 'xmlns="http://s3.amazonaws.com/doc/2006-03-01/"';
const settings: BucketSettings = {
  bucket: 'qb-bucket', prefix: 'qb', sse: { mode: 'AES256' }, objectLock: { mode: 'GOVERNANCE', years: 7 },
  replica: { bucket: 'qb-replica', region: 'eu-west-1', mode: 'crr', roleArn: 'arn:aws:iam::1:role/r' },
};

const complete: Record<string, ScriptedReply> = {
  versioning: xmlReply(`<VersioningConfiguration ${NS}><Status>Enabled</Status></VersioningConfiguration>`),
  lifecycle: xmlReply(`<LifecycleConfiguration ${NS}><Rule><ID>quantai-data-tiering</ID><Status>Enabled</Status><Filter><Prefix>qb/data/</Prefix></Filter>`
    + '<Transition><Days>30</Days><StorageClass>STANDARD_IA</StorageClass></Transition></Rule>'
    + '<Rule><ID>quantai-data-archive</ID><Status>Enabled</Status><Filter><And><Prefix>qb/data/</Prefix><Tag><Key>qb-blob-type</Key><Value>data</Value></Tag></And></Filter>'
    + '<Transition><Days>90</Days><StorageClass>GLACIER</StorageClass></Transition>'
    + '<Transition><Days>365</Days><StorageClass>DEEP_ARCHIVE</StorageClass></Transition></Rule></LifecycleConfiguration>'),
  encryption: xmlReply(`<ServerSideEncryptionConfiguration ${NS}><Rule><ApplyServerSideEncryptionByDefault><SSEAlgorithm>AES256</SSEAlgorithm></ApplyServerSideEncryptionByDefault></Rule></ServerSideEncryptionConfiguration>`),
  'object-lock': xmlReply(`<ObjectLockConfiguration ${NS}><ObjectLockEnabled>Enabled</ObjectLockEnabled><Rule><DefaultRetention><Mode>GOVERNANCE</Mode><Years>7</Years></DefaultRetention></Rule></ObjectLockConfiguration>`),
  replication: xmlReply(`<ReplicationConfiguration ${NS}><Role>arn:aws:iam::1:role/r</Role><Rule><ID>x</ID><Status>Enabled</Status><Destination><Bucket>arn:aws:s3:::qb-replica</Bucket></Destination></Rule></ReplicationConfiguration>`),
};

function serve(replies: Record<string, ScriptedReply>) {
  return (r: { url: string; method: string }) => {
    const key = queryKeys(r as never).find((k) => k in replies);
    return key ? replies[key]! : s3ErrorReply(400, 'Unexpected');
  };
}

test('a fully set-up bucket reports every aspect ok', async (t) => {
  const { client, requests } = await startRecordingS3(t, serve(complete));
  const report = await bucketStatus(client, settings);
  assert.deepEqual(report.aspects.map((a) => [a.aspect, a.state]), [
    ['versioning', 'ok'], ['lifecycle', 'ok'], ['encryption', 'ok'], ['object-lock', 'ok'], ['replication', 'ok'],
  ], JSON.stringify(report.aspects));
  assert.equal(report.ok, true);
  assert.ok(requests.every((r) => r.method === 'GET'), 'status only reads');
});

test('a bare bucket lists what it lacks', async (t) => {
  const { client } = await startRecordingS3(t, serve({
    versioning: xmlReply(`<VersioningConfiguration ${NS}/>`),
    lifecycle: s3ErrorReply(404, 'NoSuchLifecycleConfiguration'),
    encryption: xmlReply(`<ServerSideEncryptionConfiguration ${NS}><Rule><ApplyServerSideEncryptionByDefault><SSEAlgorithm>aws:kms</SSEAlgorithm></ApplyServerSideEncryptionByDefault></Rule></ServerSideEncryptionConfiguration>`),
    'object-lock': s3ErrorReply(404, 'ObjectLockConfigurationNotFoundError'),
    replication: s3ErrorReply(404, 'ReplicationConfigurationNotFoundError'),
  }));
  const report = await bucketStatus(client, settings);
  assert.deepEqual(report.aspects.map((a) => a.state), ['missing', 'missing', 'missing', 'missing', 'missing']);
  assert.match(report.aspects[2]!.detail, /aws:kms, the config wants AES256/);
  assert.match(report.aspects[3]!.detail, /created without Object Lock/);
  assert.equal(report.ok, false);
});

test('a lifecycle rule with other days is missing; a refused read is unknown', async (t) => {
  const { client } = await startRecordingS3(t, serve({
    ...complete,
    lifecycle: xmlReply(`<LifecycleConfiguration ${NS}><Rule><ID>quantai-data-tiering</ID><Status>Enabled</Status><Filter><Prefix>qb/data/</Prefix></Filter>`
      + '<Transition><Days>60</Days><StorageClass>STANDARD_IA</StorageClass></Transition></Rule></LifecycleConfiguration>'),
    replication: s3ErrorReply(403, 'AccessDenied'),
  }));
  const report = await bucketStatus(client, settings);
  const by = Object.fromEntries(report.aspects.map((a) => [a.aspect, a]));
  assert.equal(by['lifecycle']?.state, 'missing');
  assert.match(by['lifecycle']?.detail ?? '', /lacks STANDARD_IA at 30 days/);
  assert.equal(by['replication']?.state, 'unknown');
  assert.match(by['replication']?.detail ?? '', /access denied/);
});

test('replication reports the role S3 uses and flags a role other than the configured one', async (t) => {
  const { client } = await startRecordingS3(t, serve(complete));
  const ok = await bucketStatus(client, settings);
  assert.match(ok.aspects.find((a) => a.aspect === 'replication')?.detail ?? '', /qb-replica as arn:aws:iam::1:role\/r$/);
  const other = await bucketStatus(client, { ...settings, replica: { ...settings.replica!, roleArn: 'arn:aws:iam::1:role/other' } });
  const replication = other.aspects.find((a) => a.aspect === 'replication');
  assert.equal(replication?.state, 'missing');
  assert.match(replication?.detail ?? '', /as arn:aws:iam::1:role\/r, the config wants arn:aws:iam::1:role\/other/);
});

test('the old lifecycle rule that froze every pack, tree packs too, is flagged', async (t) => {
  const { client } = await startRecordingS3(t, serve({
    ...complete,
    lifecycle: xmlReply(`<LifecycleConfiguration ${NS}><Rule><ID>quantai-data-tiering</ID><Status>Enabled</Status><Filter><Prefix>qb/data/</Prefix></Filter>`
      + '<Transition><Days>30</Days><StorageClass>STANDARD_IA</StorageClass></Transition><Transition><Days>90</Days><StorageClass>GLACIER</StorageClass></Transition>'
      + '<Transition><Days>365</Days><StorageClass>DEEP_ARCHIVE</StorageClass></Transition></Rule></LifecycleConfiguration>'),
  }));
  const report = await bucketStatus(client, settings);
  const lifecycle = report.aspects.find((a) => a.aspect === 'lifecycle');
  assert.equal(lifecycle?.state, 'missing');
  assert.match(lifecycle?.detail ?? '', /old rule 'quantai-data-tiering' moves tree packs to Glacier/);
  assert.equal(report.ok, false);
});

test('an archive rule not limited to data-blob packs is flagged', async (t) => {
  const { client } = await startRecordingS3(t, serve({
    ...complete,
    lifecycle: xmlReply(`<LifecycleConfiguration ${NS}><Rule><ID>quantai-data-tiering</ID><Status>Enabled</Status><Filter><Prefix>qb/data/</Prefix></Filter>`
      + '<Transition><Days>30</Days><StorageClass>STANDARD_IA</StorageClass></Transition></Rule>'
      + '<Rule><ID>quantai-data-archive</ID><Status>Enabled</Status><Filter><Prefix>qb/data/</Prefix></Filter>'
      + '<Transition><Days>90</Days><StorageClass>GLACIER</StorageClass></Transition></Rule></LifecycleConfiguration>'),
  }));
  const lifecycle = (await bucketStatus(client, settings)).aspects.find((a) => a.aspect === 'lifecycle');
  assert.equal(lifecycle?.state, 'missing');
  assert.match(lifecycle?.detail ?? '', /not limited to packs tagged qb-blob-type=data/);
});
