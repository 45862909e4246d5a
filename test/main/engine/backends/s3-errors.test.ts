/**
 * Wrong credentials, a missing bucket and an unreachable endpoint each give one
 * line that says what is wrong and names the bucket and endpoint, never a secret.
 */
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { test } from 'node:test';
import { createCloudBackend } from '../../../../main/engine/backends/s3-backend.ts';
import { classifyS3Error } from '../../../../main/engine/backends/s3-errors.ts';
import { BackupError, isBackupError } from '../../../../main/engine/errors.ts';
import { silentLogger } from '../../../../main/engine/logger.ts';
import { startS3Server, testCloudConfig, testSecrets } from '../../../support/s3-server.ts';

const WRONG_SECRET = 'wrong-secret-never-shown-7731';

function expectOneLine(kind: string, pattern: RegExp, mustName: string[]) {
  return (err: unknown): boolean => {
    assert.ok(isBackupError(err), `expected a BackupError, got ${String(err)}`);
    assert.equal(err.kind, kind, err.message);
    assert.match(err.message, pattern);
    assert.ok(!err.message.includes('\n'), `not one line: ${err.message}`);
    for (const text of mustName) assert.ok(err.message.includes(text), `"${err.message}" does not name ${text}`);
    assert.ok(!err.message.includes(WRONG_SECRET), 'the message leaks the secret');
    return true;
  };
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

test('s3 errors: wrong credentials are permanent and say so', async (t) => {
  const s3 = await startS3Server(t);
  const secrets = testSecrets({ 's3-access-key-id': 'NOT-A-KEY', 's3-secret-access-key': WRONG_SECRET });
  const backend = await createCloudBackend(testCloudConfig(s3.endpoint, s3.bucket), secrets, silentLogger, { retry: { baseDelayMs: 1 } });
  t.after(() => backend.close());
  await assert.rejects(backend.list('snapshot'), expectOneLine('permanent', /rejected the credentials/, [s3.bucket, s3.endpoint]));
  await assert.rejects(backend.exists(), expectOneLine('permanent', /credentials|access denied/, [s3.bucket]));
});

test('s3 errors: a missing bucket is permanent and named, for exists() as well as create()', async (t) => {
  const s3 = await startS3Server(t);
  const backend = await createCloudBackend(testCloudConfig(s3.endpoint, 'no-such-bucket'), testSecrets(), silentLogger, { retry: { baseDelayMs: 1 } });
  t.after(() => backend.close());
  const check = expectOneLine('permanent', /does not exist/, ['no-such-bucket', s3.endpoint]);
  await assert.rejects(backend.create(), check);
  await assert.rejects(backend.exists(), check);
  await assert.rejects(backend.list('data'), check);
  await assert.rejects(backend.save({ type: 'data', name: 'ab'.repeat(32) }, Buffer.from('x')), check);
});

test('s3 errors: an unreachable endpoint is transient, retried, then one clear line', async (t) => {
  const endpoint = `http://127.0.0.1:${await freePort()}`;
  let retries = 0;
  const backend = await createCloudBackend(testCloudConfig(endpoint, 'qb-test'), testSecrets(), silentLogger, {
    retry: { maxAttempts: 3, baseDelayMs: 1, logger: { log: () => void retries++ } },
  });
  t.after(() => backend.close());
  await assert.rejects(backend.exists(), expectOneLine('transient', /cannot reach the S3 endpoint .*ECONNREFUSED.*gave up after 3 attempts/, [endpoint, 'qb-test']));
  assert.equal(retries, 2);
});

test('s3 errors: half a key pair is refused instead of falling back to another identity', async () => {
  await assert.rejects(
    createCloudBackend(testCloudConfig('http://127.0.0.1:9', 'qb-test'), testSecrets({ 's3-access-key-id': 'AKIA' }), silentLogger),
    expectOneLine('permanent', /s3-secret-access-key is not set/, []),
  );
});

test('s3 errors: no bucket configured is a clear permanent error', async () => {
  const config = { ...testCloudConfig('http://127.0.0.1:9', 'qb-test') };
  delete config.bucket;
  await assert.rejects(createCloudBackend(config, testSecrets(), silentLogger), expectOneLine('permanent', /set cloud.bucket/, []));
});

test('s3 errors: classification of SDK error shapes', () => {
  const place = { bucket: 'b1', endpoint: 'https://e.example' };
  const classify = (err: unknown, objectRequest = true): BackupError => classifyS3Error(err, { place, action: 'read data file 1a2b', objectRequest });
  const sdk = (name: string, status: number, extra: object = {}) => Object.assign(new Error(name), { name, $metadata: { httpStatusCode: status }, ...extra });
  assert.equal(classify(sdk('NoSuchKey', 404)).kind, 'not-found');
  assert.equal(classify(sdk('NotFound', 404)).kind, 'not-found');
  assert.equal(classify(sdk('NoSuchBucket', 404)).kind, 'permanent');
  assert.equal(classify(sdk('NotFound', 404), false).kind, 'permanent');
  assert.equal(classify(sdk('SlowDown', 503)).kind, 'transient');
  assert.equal(classify(sdk('InternalError', 500, { $fault: 'server' })).kind, 'transient');
  assert.equal(classify(sdk('Unknown', 502)).kind, 'transient');
  assert.equal(classify(sdk('TooManyRequests', 429)).kind, 'transient');
  assert.equal(classify(Object.assign(new Error('timed out'), { name: 'TimeoutError' })).kind, 'transient');
  assert.equal(classify(Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' })).kind, 'transient');
  assert.equal(classify(new Error('outer', { cause: Object.assign(new Error('x'), { code: 'ENOTFOUND' }) })).kind, 'transient');
  assert.equal(classify(sdk('InvalidAccessKeyId', 403)).kind, 'permanent');
  assert.equal(classify(sdk('AccessDenied', 403)).kind, 'permanent');
  assert.equal(classify(sdk('InvalidRange', 416)).kind, 'permanent');
  assert.equal(classify(Object.assign(new Error('Could not load credentials from any providers'), { name: 'CredentialsProviderError' })).kind, 'permanent');
  const original = new BackupError('fatal', 'kept');
  assert.equal(classify(original), original);
});
