// s3rver has no versioning, lifecycle, Object Lock or replication: these tests check the exact
// requests `cloud setup` sends, against a recording server that answers like S3.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setupBucket } from '../../../../main/engine/cloud/bucket-setup.ts';
import { cloudBucketSettings } from '../../../../main/engine/cloud/cloud-destination.ts';
import { cloudSchema } from '../../../../main/engine/config/cloud-schema.ts';
import type { BucketSettings } from '../../../../main/engine/cloud/bucket-settings.ts';
import { queryKeys, s3ErrorReply, startRecordingS3, xmlReply, type RecordedRequest } from '../../../support/recording-s3-server.ts';

const XML = '<?xml version="1.0" encoding="UTF-8"?>';
const NS = 'xmlns="http://s3.amazonaws.com/doc/2006-03-01/"';

const settings: BucketSettings = {
  bucket: 'qb-bucket', prefix: 'qb', region: 'us-east-1',
  sse: { mode: 'aws:kms', kmsKeyId: 'key-123' },
  objectLock: { mode: 'COMPLIANCE', years: 7 },
  replica: { bucket: 'qb-replica', region: 'eu-west-1', mode: 'crr', roleArn: 'arn:aws:iam::111122223333:role/qb-replication' },
};

const lockEnabled = xmlReply(`<ObjectLockConfiguration ${NS}><ObjectLockEnabled>Enabled</ObjectLockEnabled></ObjectLockConfiguration>`);

function find(requests: RecordedRequest[], method: string, query: string): RecordedRequest {
  const r = requests.find((x) => x.method === method && queryKeys(x).includes(query));
  assert.ok(r, `no ${method} ?${query} request among ${requests.map((x) => `${x.method} ${x.url}`).join(', ')}`);
  return r;
}

test('setup sends versioning, lifecycle, encryption, Object Lock and replication with the exact bodies', async (t) => {
  const { requests, client } = await startRecordingS3(t, (r) => (r.method === 'GET' && queryKeys(r).includes('object-lock') ? lockEnabled : { status: 200 }));
  const report = await setupBucket(client, settings);
  assert.equal(report.ok, true, JSON.stringify(report.steps));
  assert.deepEqual(report.steps.map((s) => [s.step, s.state]), [
    ['versioning', 'done'], ['lifecycle', 'done'], ['encryption', 'done'], ['object-lock', 'done'], ['replication', 'done'],
  ]);
  assert.deepEqual(requests.map((r) => `${r.method} ${queryKeys(r).join(',')}`), [
    'PUT versioning', 'PUT lifecycle', 'PUT encryption', 'GET object-lock', 'PUT object-lock', 'PUT replication',
  ]);
  for (const r of requests) assert.match(r.url, /^\/qb-bucket\/\?/, 'path-style bucket URL');

  assert.equal(find(requests, 'PUT', 'versioning').body, `${XML}<VersioningConfiguration ${NS}><Status>Enabled</Status></VersioningConfiguration>`);
  assert.equal(find(requests, 'PUT', 'lifecycle').body, `${XML}<LifecycleConfiguration ${NS}>`
    + '<Rule><Status>Enabled</Status><ID>quantai-data-tiering</ID><Filter><Prefix>qb/data/</Prefix></Filter>'
    + '<Transition><Days>30</Days><StorageClass>STANDARD_IA</StorageClass></Transition></Rule>'
    // Only packs tagged as holding data blobs are frozen: tree packs stay readable for every restore.
    + '<Rule><Status>Enabled</Status><ID>quantai-data-archive</ID><Filter><And><Prefix>qb/data/</Prefix><Tag><Key>qb-blob-type</Key><Value>data</Value></Tag></And></Filter>'
    + '<Transition><Days>90</Days><StorageClass>GLACIER</StorageClass></Transition>'
    + '<Transition><Days>365</Days><StorageClass>DEEP_ARCHIVE</StorageClass></Transition></Rule>'
    + '<Rule><Status>Enabled</Status><ID>quantai-abort-incomplete-uploads</ID><Filter><Prefix>qb/</Prefix></Filter>'
    + '<AbortIncompleteMultipartUpload><DaysAfterInitiation>7</DaysAfterInitiation></AbortIncompleteMultipartUpload></Rule>'
    + '</LifecycleConfiguration>');
  assert.equal(find(requests, 'PUT', 'encryption').body, `${XML}<ServerSideEncryptionConfiguration ${NS}><Rule><ApplyServerSideEncryptionByDefault>`
    + '<SSEAlgorithm>aws:kms</SSEAlgorithm><KMSMasterKeyID>key-123</KMSMasterKeyID></ApplyServerSideEncryptionByDefault>'
    + '<BucketKeyEnabled>true</BucketKeyEnabled></Rule></ServerSideEncryptionConfiguration>');
  assert.equal(find(requests, 'PUT', 'object-lock').body, `${XML}<ObjectLockConfiguration ${NS}><ObjectLockEnabled>Enabled</ObjectLockEnabled>`
    + '<Rule><DefaultRetention><Mode>COMPLIANCE</Mode><Years>7</Years></DefaultRetention></Rule></ObjectLockConfiguration>');
  assert.equal(find(requests, 'PUT', 'replication').body, `${XML}<ReplicationConfiguration ${NS}><Role>arn:aws:iam::111122223333:role/qb-replication</Role>`
    + '<Rule><Status>Enabled</Status><Destination><Bucket>arn:aws:s3:::qb-replica</Bucket></Destination><ID>quantai-replica</ID><Priority>1</Priority>'
    + '<Filter><Prefix>qb/</Prefix></Filter><DeleteMarkerReplication><Status>Disabled</Status></DeleteMarkerReplication></Rule></ReplicationConfiguration>');

  // Headers S3 insists on for these calls: an XML body, an integrity checksum, a SigV4 signature.
  for (const r of requests.filter((x) => x.method === 'PUT')) {
    assert.equal(r.headers['content-type'], 'application/xml');
    assert.ok(r.headers['x-amz-checksum-crc32'] ?? r.headers['content-md5'], `${r.url} carries a body checksum`);
    assert.match(String(r.headers.authorization), /^AWS4-HMAC-SHA256 Credential=AKIDTEST\/\d{8}\/us-east-1\/s3\/aws4_request/);
  }
});

test('setup with AES256, no lock wanted and a mirror replica sends only what is wanted', async (t) => {
  const { requests, client } = await startRecordingS3(t, () => ({ status: 200 }));
  const report = await setupBucket(client, { bucket: 'plain', prefix: '', sse: { mode: 'AES256' }, replica: { bucket: 'copy', region: 'eu-west-1', mode: 'mirror' } });
  assert.equal(report.ok, true);
  assert.deepEqual(requests.map((r) => `${r.method} ${queryKeys(r).join(',')}`), ['PUT versioning', 'PUT lifecycle', 'PUT encryption']);
  assert.match(find(requests, 'PUT', 'lifecycle').body, /<Filter><Prefix>data\/<\/Prefix><\/Filter>/);
  assert.equal(find(requests, 'PUT', 'encryption').body, `${XML}<ServerSideEncryptionConfiguration ${NS}><Rule><ApplyServerSideEncryptionByDefault>`
    + '<SSEAlgorithm>AES256</SSEAlgorithm></ApplyServerSideEncryptionByDefault></Rule></ServerSideEncryptionConfiguration>');
  assert.deepEqual(report.steps.filter((s) => s.state === 'skipped').map((s) => s.step), ['object-lock', 'replication']);
});

test('a bucket created without Object Lock is reported, not retried, and nothing is PUT for it', async (t) => {
  const { requests, client } = await startRecordingS3(t, (r) => (r.method === 'GET' && queryKeys(r).includes('object-lock')
    ? s3ErrorReply(404, 'ObjectLockConfigurationNotFoundError', 'Object Lock configuration does not exist for this bucket')
    : { status: 200 }));
  const report = await setupBucket(client, { ...settings, replica: undefined });
  const lock = report.steps.find((s) => s.step === 'object-lock');
  assert.equal(lock?.state, 'unavailable');
  assert.match(lock?.detail ?? '', /qb-bucket was created without Object Lock/);
  assert.equal(report.ok, false);
  assert.equal(requests.filter((r) => r.method === 'PUT' && queryKeys(r).includes('object-lock')).length, 0);
});

test('crr without a role is unavailable; a refused step fails alone with a one-line message and no secret', async (t) => {
  const { client } = await startRecordingS3(t, (r) => (queryKeys(r).includes('encryption') ? s3ErrorReply(403, 'AccessDenied', 'Access Denied') : { status: 200 }));
  const report = await setupBucket(client, { bucket: 'qb-bucket', prefix: 'qb', replica: { bucket: 'r', region: 'eu-west-1', mode: 'crr' } });
  const byStep = Object.fromEntries(report.steps.map((s) => [s.step, s]));
  assert.equal(byStep['versioning']?.state, 'done');
  assert.equal(byStep['lifecycle']?.state, 'done');
  assert.equal(byStep['encryption']?.state, 'failed');
  assert.match(byStep['encryption']?.detail ?? '', /^cloud: setting default encryption on s3:\/\/qb-bucket\/qb\/ .*failed: access denied/);
  assert.doesNotMatch(byStep['encryption']?.detail ?? '', /test-secret|\n/);
  assert.equal(byStep['replication']?.state, 'unavailable');
  assert.match(byStep['replication']?.detail ?? '', /roleArn/);
  assert.equal(report.ok, false);
});

test('cloud.replica.roleArn from config.json reaches PutBucketReplication as its Role', async (t) => {
  const { requests, client } = await startRecordingS3(t, () => ({ status: 200 }));
  const cloud = cloudSchema.parse({
    enabled: true, bucket: 'qb-bucket', prefix: 'qb',
    replica: { bucket: 'qb-dr', region: 'eu-central-1', roleArn: 'arn:aws:iam::123456789012:role/qb-crr' },
  });
  const report = await setupBucket(client, cloudBucketSettings(cloud));
  assert.equal(report.steps.find((s) => s.step === 'replication')?.state, 'done');
  assert.match(find(requests, 'PUT', 'replication').body, /^<\?xml[^>]*><ReplicationConfiguration [^>]*><Role>arn:aws:iam::123456789012:role\/qb-crr<\/Role><Rule>.*<Bucket>arn:aws:s3:::qb-dr<\/Bucket>/);
});
