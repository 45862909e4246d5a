/**
 * The cloud backend through a fault-injecting proxy in front of s3rver:
 * 503 SlowDown, resets before and during responses, slow responses and
 * stalls past the client's timeout are survived by the retries, and nothing
 * is missing or damaged afterwards.
 */
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { test } from 'node:test';
import type { FileType } from '../../../../main/engine/backends/backend.ts';
import { createCloudBackend } from '../../../../main/engine/backends/s3-backend.ts';
import { isBackupError } from '../../../../main/engine/errors.ts';
import { silentLogger } from '../../../../main/engine/logger.ts';
import { startFaultProxy, type Fault } from '../../../support/fault-proxy.ts';
import { startS3Server, testCloudConfig, testSecrets } from '../../../support/s3-server.ts';

const FAULTS: Fault[] = ['slowdown', 'reset-before', 'reset-midway', 'slow', 'stall'];

// Every other request fails, cycling through the kinds: each operation meets
// faults, and no operation can fail more times in a row than the retries allow.
const everyOther = (n: number): Fault => (n % 2 === 0 ? (FAULTS[(n / 2) % FAULTS.length] ?? 'pass') : 'pass');

const idOf = (data: Uint8Array): string => createHash('sha256').update(data).digest('hex');

test('s3 through faults: every file saved through the proxy arrives whole, and reads back', async (t) => {
  const s3 = await startS3Server(t);
  const proxy = await startFaultProxy(t, s3.port, { plan: everyOther, stallMs: 3000 });
  const fast = { retry: { baseDelayMs: 5, maxDelayMs: 50, maxAttempts: 6 }, tuning: { requestTimeoutMs: 700 } };
  const faulty = await createCloudBackend(testCloudConfig(proxy.endpoint, s3.bucket), testSecrets(), silentLogger, fast);
  const direct = await createCloudBackend(testCloudConfig(s3.endpoint, s3.bucket), testSecrets(), silentLogger);
  t.after(() => faulty.close());
  t.after(() => direct.close());

  const types: FileType[] = ['data', 'data', 'data', 'index', 'snapshot', 'key'];
  const files = Array.from({ length: 30 }, (_, i) => {
    const data = randomBytes(1000 + i * 3000);
    return { type: types[i % types.length] ?? 'data', name: idOf(data), data };
  });
  for (let i = 0; i < files.length; i += 4) {
    await Promise.all(files.slice(i, i + 4).map((f) => faulty.save({ type: f.type, name: f.name }, f.data)));
  }
  for (const f of files) {
    const stored = await direct.load({ type: f.type, name: f.name });
    assert.equal(idOf(stored), f.name, `${f.type} ${f.name} is damaged or missing in the bucket`);
    const readBack = await faulty.load({ type: f.type, name: f.name }, 100, 500);
    assert.ok(readBack.equals(f.data.subarray(100, 600)), `ranged read of ${f.name} through faults`);
  }
  const listed = await faulty.list('data');
  assert.deepEqual(listed.map((f) => f.name).sort(), files.filter((f) => f.type === 'data').map((f) => f.name).sort());
  for (const fault of FAULTS) assert.ok(proxy.counts[fault] > 0, `the proxy never injected ${fault}`);
});

test('s3 through faults: without retries the same faults surface as transient errors', async (t) => {
  const s3 = await startS3Server(t);
  const proxy = await startFaultProxy(t, s3.port, { plan: () => 'slowdown' });
  const backend = await createCloudBackend(testCloudConfig(proxy.endpoint, s3.bucket), testSecrets(), silentLogger, { retry: { maxAttempts: 1 } });
  t.after(() => backend.close());
  const data = randomBytes(100);
  await assert.rejects(backend.save({ type: 'data', name: idOf(data) }, data), (err: unknown) => {
    assert.ok(isBackupError(err));
    assert.equal(err.kind, 'transient');
    assert.match(err.message, /slow down \(SlowDown\)/);
    return true;
  });
});

test('s3 through faults: a stall longer than the request timeout is retried', async (t) => {
  const s3 = await startS3Server(t);
  const proxy = await startFaultProxy(t, s3.port, { plan: (n) => (n === 1 ? 'stall' : 'pass'), stallMs: 5000 });
  const backend = await createCloudBackend(testCloudConfig(proxy.endpoint, s3.bucket), testSecrets(), silentLogger, {
    retry: { baseDelayMs: 5 },
    tuning: { requestTimeoutMs: 300 },
  });
  t.after(() => backend.close());
  const data = randomBytes(2000);
  const started = Date.now();
  await backend.save({ type: 'index', name: idOf(data) }, data);
  assert.ok(Date.now() - started < 4000, 'the stalled request must time out, not wait for the stall to end');
  assert.equal(proxy.counts.stall, 1);
  assert.deepEqual(await backend.load({ type: 'index', name: idOf(data) }), data);
});

test('s3 through faults: a listing cut off midway, or answered SlowDown, is retried', async (t) => {
  const s3 = await startS3Server(t);
  const isList = (url: string | undefined): boolean => (url ?? '').includes('list-type=2');
  let listRequests = 0;
  const proxy = await startFaultProxy(t, s3.port, {
    plan: (_n, req) => {
      if (!isList(req.url)) return 'pass';
      listRequests++;
      return listRequests === 1 ? 'reset-midway' : listRequests === 2 ? 'slowdown' : 'pass';
    },
  });
  const backend = await createCloudBackend(testCloudConfig(proxy.endpoint, s3.bucket), testSecrets(), silentLogger, { retry: { baseDelayMs: 5 } });
  t.after(() => backend.close());
  const names: string[] = [];
  for (let i = 0; i < 5; i++) {
    const data = randomBytes(50 + i);
    names.push(idOf(data));
    await backend.save({ type: 'snapshot', name: idOf(data) }, data);
  }
  assert.deepEqual((await backend.list('snapshot')).map((f) => f.name), names.sort());
  assert.equal(proxy.counts['reset-midway'], 1);
  assert.equal(proxy.counts.slowdown, 1);
});
