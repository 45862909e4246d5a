import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Backend, FileHandle } from '../../../../main/engine/backends/backend.ts';
import { backoffDelay, RetryBackend } from '../../../../main/engine/backends/retry-backend.ts';
import { BackupError, isBackupError, type ErrorKind } from '../../../../main/engine/errors.ts';

const handle: FileHandle = { type: 'data', name: 'ab'.repeat(32) };

/** A backend whose every operation fails with the given kinds in turn, then succeeds. */
function flaky(failures: ErrorKind[]): Backend & { calls: number } {
  const queue = [...failures];
  const backend = {
    calls: 0,
    location: () => 'flaky',
    async step<T>(value: T): Promise<T> {
      backend.calls++;
      const kind = queue.shift();
      if (kind) throw new BackupError(kind, `failure ${backend.calls}`);
      return value;
    },
    exists: () => backend.step(true),
    create: () => backend.step(undefined),
    save: () => backend.step(undefined),
    load: () => backend.step(Buffer.from('ok')),
    stat: () => backend.step({ name: handle.name, size: 2 }),
    remove: () => backend.step(undefined),
    list: () => backend.step([]),
    close: async () => undefined,
  };
  return backend;
}

const noSleep = { sleep: async () => undefined };

test('retry: transient errors are retried until the operation succeeds', async () => {
  const inner = flaky(['transient', 'transient', 'transient']);
  const waits: number[] = [];
  const backend = new RetryBackend(inner, { sleep: async (ms) => void waits.push(ms), random: () => 1, baseDelayMs: 100, maxDelayMs: 250 });
  assert.deepEqual(await backend.load(handle), Buffer.from('ok'));
  assert.equal(inner.calls, 4);
  // Exponential and capped: 100, 200, then 400 capped at 250.
  assert.deepEqual(waits, [100, 200, 250]);
});

test('retry: permanent, not-found and fatal errors fail at once', async () => {
  for (const kind of ['permanent', 'not-found', 'fatal'] as const) {
    const inner = flaky([kind]);
    await assert.rejects(new RetryBackend(inner, noSleep).stat(handle), (err: unknown) => isBackupError(err) && err.kind === kind);
    assert.equal(inner.calls, 1, kind);
  }
});

test('retry: bounded; the last error says how many attempts were made', async () => {
  const inner = flaky(Array<ErrorKind>(10).fill('transient'));
  await assert.rejects(new RetryBackend(inner, { ...noSleep, maxAttempts: 4 }).save(handle, Buffer.alloc(1)), (err: unknown) => {
    assert.ok(isBackupError(err));
    assert.equal(err.kind, 'transient');
    assert.match(err.message, /^failure 4 \(gave up after 4 attempts\)$/);
    return true;
  });
  assert.equal(inner.calls, 4);
});

test('retry: a remove whose earlier attempt was lost counts "not found" on retry as done', async () => {
  const inner = flaky(['transient', 'not-found']);
  await new RetryBackend(inner, noSleep).remove(handle);
  assert.equal(inner.calls, 2);
  // Without an earlier failure, not-found is reported as usual.
  await assert.rejects(new RetryBackend(flaky(['not-found']), noSleep).remove(handle), (err: unknown) => isBackupError(err) && err.kind === 'not-found');
});

test('retry: jitter spreads waits uniformly below the exponential cap', () => {
  assert.equal(backoffDelay(0, 500, 30_000, () => 0), 0);
  assert.equal(backoffDelay(3, 500, 30_000, () => 0.5), 2000);
  assert.equal(backoffDelay(20, 500, 30_000, () => 0.999), 29_970);
});
