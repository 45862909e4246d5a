import assert from 'node:assert/strict';
import { readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { LocalBackend } from '../../../../main/engine/backends/local-backend.ts';
import { isBackupError } from '../../../../main/engine/errors.ts';
import { tempDir } from '../../../support/temp-dir.ts';
import { runBackendConformance } from './backend-conformance.ts';

runBackendConformance('local', async (t) => new LocalBackend(join(tempDir(t), 'repo')));

test('local: create makes restic\'s layout including data/00..ff', async (t) => {
  const root = join(tempDir(t), 'repo');
  await new LocalBackend(root).create();
  assert.deepEqual(readdirSync(root).sort(), ['data', 'index', 'keys', 'locks', 'snapshots']);
  const data = readdirSync(join(root, 'data'));
  assert.equal(data.length, 256);
  assert.ok(data.includes('00') && data.includes('ff') && data.includes('a7'));
});

test('local: files are stored read-only under data/<2 hex>/', async (t) => {
  const root = join(tempDir(t), 'repo');
  const backend = new LocalBackend(root);
  await backend.create();
  const name = 'c0'.repeat(32);
  await backend.save({ type: 'data', name }, Buffer.from('x'));
  const st = statSync(join(root, 'data', 'c0', name));
  assert.equal(st.mode & 0o777, 0o400);
});

test('local: create refuses a non-empty folder without a repository', async (t) => {
  const root = tempDir(t);
  writeFileSync(join(root, 'holiday.jpg'), 'x');
  await assert.rejects(new LocalBackend(root).create(), (err: unknown) => {
    assert.ok(isBackupError(err));
    assert.match(err.message, /is not empty and holds no repository/);
    return true;
  });
});

test('local: temp files left by an interrupted write are not listed', async (t) => {
  const root = join(tempDir(t), 'repo');
  const backend = new LocalBackend(root);
  await backend.create();
  const name = 'ab'.repeat(32);
  writeFileSync(join(root, 'snapshots', `${name}-tmp-123456`), 'partial');
  writeFileSync(join(root, 'snapshots', 'README'), 'stray');
  assert.deepEqual(await backend.list('snapshot'), []);
});

test('local: a missing repository folder is fatal (unmounted drive), not not-found', async (t) => {
  const backend = new LocalBackend(join(tempDir(t), 'not-mounted'));
  assert.equal(await backend.exists(), false);
  await assert.rejects(backend.load({ type: 'data', name: 'ab'.repeat(32) }), (err: unknown) => {
    assert.ok(isBackupError(err));
    assert.equal(err.kind, 'fatal');
    assert.match(err.message, /mounted/);
    return true;
  });
});

test('local: an unwritable location is a permanent error (works as root too)', async (t) => {
  const root = join(tempDir(t), 'repo');
  const backend = new LocalBackend(root);
  await backend.create();
  // A file where the index folder should be: ENOTDIR, which retrying cannot fix.
  rmSync(join(root, 'index'), { recursive: true });
  writeFileSync(join(root, 'index'), 'not a folder');
  await assert.rejects(backend.save({ type: 'index', name: 'ab'.repeat(32) }, Buffer.from('x')), (err: unknown) => {
    assert.ok(isBackupError(err));
    assert.equal(err.kind, 'permanent');
    return true;
  });
});
