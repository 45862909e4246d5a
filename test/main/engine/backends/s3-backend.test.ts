import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { createCloudBackend, S3Backend } from '../../../../main/engine/backends/s3-backend.ts';
import { createS3Client } from '../../../../main/engine/backends/s3-client.ts';
import { silentLogger } from '../../../../main/engine/logger.ts';
import { startS3Server, testCloudConfig, testSecrets } from '../../../support/s3-server.ts';
import { runBackendConformance } from './backend-conformance.ts';

let counter = 0;

runBackendConformance('s3', async (t) => {
  const s3 = await startS3Server(t);
  // A fresh prefix per test as well, so nothing leaks between tests even on one server.
  return createCloudBackend(testCloudConfig(s3.endpoint, s3.bucket, `repo-${++counter}`), testSecrets(), silentLogger, { retry: { baseDelayMs: 10 } });
});

test('s3: files use restic\'s layout under the prefix, data in data/<2 hex>/', async (t) => {
  const s3 = await startS3Server(t);
  const config = testCloudConfig(s3.endpoint, s3.bucket, 'nested/repo');
  const client = await createS3Client(config, testSecrets());
  const backend = new S3Backend({ client, bucket: s3.bucket, prefix: config.prefix, endpoint: s3.endpoint, ownsClient: true });
  t.after(() => backend.close());
  const data = randomBytes(10);
  const name = createHash('sha256').update(data).digest('hex');
  assert.equal(backend.keyOf({ type: 'data', name }), `nested/repo/data/${name.slice(0, 2)}/${name}`);
  assert.equal(backend.keyOf({ type: 'snapshot', name }), `nested/repo/snapshots/${name}`);
  assert.equal(backend.keyOf({ type: 'config', name: '' }), 'nested/repo/config');
  await backend.save({ type: 'data', name }, data);
  assert.deepEqual(await backend.list('data'), [{ name, size: 10 }]);
  assert.match(backend.location(), /^s3:http:\/\/127\.0\.0\.1:\d+\/qb-test\/nested\/repo$/);
});

test('s3: a file above the multipart threshold is uploaded in parts and reads back whole', async (t) => {
  const s3 = await startS3Server(t);
  const backend = await createCloudBackend(testCloudConfig(s3.endpoint, s3.bucket), testSecrets(), silentLogger, {
    multipartThresholdBytes: 6 * 1024 * 1024,
    partSizeBytes: 5 * 1024 * 1024,
  });
  t.after(() => backend.close());
  const data = randomBytes(12 * 1024 * 1024 + 123);
  const handle = { type: 'data' as const, name: createHash('sha256').update(data).digest('hex') };
  await backend.save(handle, data);
  assert.equal((await backend.stat(handle)).size, data.length);
  assert.ok((await backend.load(handle)).equals(data));
  assert.ok((await backend.load(handle, 6 * 1024 * 1024, 100)).equals(data.subarray(6 * 1024 * 1024, 6 * 1024 * 1024 + 100)));
});

// s3rver ignores encryption and storage-class headers, so what we send is checked on the wire.
test('s3: saves send SSE (aws:kms with key id), storage class, Content-MD5 and metadata', async (t) => {
  const seen: IncomingHttpHeaders[] = [];
  const server = createServer((req, res) => {
    seen.push(req.headers);
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { etag: '"x"' });
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const config = { ...testCloudConfig(endpoint, 'rec'), sse: { mode: 'aws:kms' as const, kmsKeyId: 'arn:aws:kms:us-east-1:1:key/k1' }, storageClass: 'STANDARD_IA' as const };
  const backend = await createCloudBackend(config, testSecrets(), silentLogger, { metadata: { host: 'trader-01' } });
  t.after(() => backend.close());
  const data = randomBytes(333);
  await backend.save({ type: 'data', name: createHash('sha256').update(data).digest('hex') }, data);
  const put = seen.at(-1);
  assert.ok(put);
  assert.equal(put['x-amz-server-side-encryption'], 'aws:kms');
  assert.equal(put['x-amz-server-side-encryption-aws-kms-key-id'], 'arn:aws:kms:us-east-1:1:key/k1');
  assert.equal(put['x-amz-storage-class'], 'STANDARD_IA');
  assert.equal(put['content-md5'], createHash('md5').update(data).digest('base64'));
  assert.equal(put['x-amz-meta-size'], '333');
  assert.equal(put['x-amz-meta-host'], 'trader-01');
  assert.equal(put['x-amz-checksum-crc32'], undefined, 'no default CRC checksum that S3-compatible stores may reject');
});
