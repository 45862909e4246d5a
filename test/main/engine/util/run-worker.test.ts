import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { BackupError } from '../../../../main/engine/errors.ts';
import { runWorker } from '../../../../main/engine/util/run-worker.ts';

const ECHO = new URL('./fixtures/echo-worker.ts', import.meta.url);

test('runs a TypeScript job on a worker thread and returns its result and progress', async () => {
  const progress: unknown[] = [];
  const result = await runWorker(ECHO, { op: 'echo', value: 21 }, { onProgress: (p) => progress.push(p) });
  assert.deepEqual(result, { doubled: 42 });
  assert.deepEqual(progress, [{ half: 10.5 }]);
});

test('a job error arrives as a BackupError with its kind; other errors as fatal', async () => {
  await assert.rejects(runWorker(ECHO, { op: 'fail' }), (err: unknown) => {
    assert.ok(err instanceof BackupError);
    assert.equal(err.kind, 'not-found');
    assert.equal(err.message, 'the thing is missing');
    return true;
  });
  await assert.rejects(runWorker(ECHO, { op: 'crash' }), (err: unknown) => err instanceof BackupError && err.kind === 'fatal' && /boom/.test(err.message));
});

test('abort terminates a busy worker', async () => {
  const controller = new AbortController();
  const started = Date.now();
  setTimeout(() => controller.abort(), 200);
  await assert.rejects(runWorker(ECHO, { op: 'hang' }, { signal: controller.signal }), /cancelled/);
  assert.ok(Date.now() - started < 5000);
  await assert.rejects(runWorker(ECHO, { op: 'echo', value: 1 }, { signal: controller.signal }), /cancelled/);
});

test('works when tsx is registered the way the CLI does it (no --import tsx)', () => {
  const host = fileURLToPath(new URL('./fixtures/cli-host.mjs', import.meta.url));
  // A clean execArgv: the child must not inherit this test runner's --import tsx.
  const out = execFileSync(process.execPath, [host], { encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '' } });
  assert.deepEqual(JSON.parse(out), { doubled: 42 });
});
