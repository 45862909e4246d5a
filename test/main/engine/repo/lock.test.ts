import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { test, type TestContext } from 'node:test';
import { LocalBackend } from '../../../../main/engine/backends/local-backend.ts';
import { isBackupError } from '../../../../main/engine/errors.ts';
import type { Logger } from '../../../../main/engine/logger.ts';
import { acquireLock } from '../../../../main/engine/repo/lock.ts';
import { Repository } from '../../../../main/engine/repo/repository.ts';
import { formatDate } from '../../../../main/engine/util/rfc3339.ts';
import { requireTool } from '../../../support/tools.ts';
import { tempDir } from '../../../support/temp-dir.ts';
import { FAST_KDF, PASSWORD, restic, resticOk } from './fixtures.ts';

async function newRepo(t: TestContext, logger?: Logger): Promise<{ repo: Repository; dir: string }> {
  const dir = join(tempDir(t), 'repo');
  await Repository.init(new LocalBackend(dir), PASSWORD, { kdf: FAST_KDF });
  return { repo: await Repository.open(new LocalBackend(dir), PASSWORD, logger ? { logger } : {}), dir };
}

/** A lock file exactly as restic writes one, for another process. */
function foreignLock(repo: Repository, fields: { exclusive: boolean; hostname: string; pid: number; time?: Date }): Promise<string> {
  return repo.saveUnpacked('lock', JSON.stringify({
    time: formatDate(fields.time ?? new Date()), exclusive: fields.exclusive, hostname: fields.hostname, username: 'admin', pid: fields.pid, uid: 1000, gid: 1000,
  }));
}

function collectingLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  return { lines, log: (_level, message) => lines.push(message) };
}

test('restic sees our lock, refuses prune while we hold it, and the lock is gone after release', async (t) => {
  if (!requireTool(t, 'restic')) return;
  const { repo, dir } = await newRepo(t);
  const lock = await repo.lock();
  assert.deepEqual(resticOk(dir, ['list', 'locks', '--no-lock']).trim().split('\n'), [lock.id]);
  const prune = restic(dir, ['prune']);
  assert.notEqual(prune.status, 0);
  assert.match(prune.stderr, /locked/);
  await lock.release();
  assert.equal(resticOk(dir, ['list', 'locks', '--no-lock']).trim(), '');
  assert.equal(restic(dir, ['prune']).status, 0, 'after release restic can take its exclusive lock');
});

test('restic refuses to back up while we hold an exclusive lock', async (t) => {
  if (!requireTool(t, 'restic')) return;
  const { repo, dir } = await newRepo(t);
  const lock = await repo.lock({ exclusive: true });
  const backup = restic(dir, ['backup', dir]);
  assert.notEqual(backup.status, 0);
  assert.match(backup.stderr, /locked exclusively/);
  await lock.release();
});

test('an exclusive lock of someone else blocks our lock and our writes with a transient error', async (t) => {
  const { repo } = await newRepo(t);
  await foreignLock(repo, { exclusive: true, hostname: 'nas-admin-box', pid: 4242 });
  await assert.rejects(repo.lock(), (err: unknown) => {
    assert.ok(isBackupError(err));
    assert.equal(err.kind, 'transient');
    assert.match(err.message, /locked exclusively .*on host nas-admin-box pid 4242 since .*try again when it finishes/);
    return true;
  });
  await repo.saveBlob('data', Buffer.from('x'));
  await assert.rejects(repo.flush(), (err: unknown) => isBackupError(err) && err.kind === 'transient');
  assert.deepEqual(await repo.backend.list('data'), [], 'no pack written under a foreign exclusive lock');
});

test('a non-exclusive lock of someone else blocks only exclusive locks', async (t) => {
  const { repo } = await newRepo(t);
  await foreignLock(repo, { exclusive: false, hostname: 'other', pid: 77 });
  const shared = await repo.lock();
  await shared.release();
  await assert.rejects(repo.lock({ exclusive: true }), /in use .*host other pid 77/);
});

test('stale locks are removed and reported: old ones, and dead processes on this host', async (t) => {
  const logger = collectingLogger();
  const { repo } = await newRepo(t, logger);
  const old = await foreignLock(repo, { exclusive: true, hostname: 'elsewhere', pid: 1, time: new Date(Date.now() - 31 * 60 * 1000) });
  const dead = spawnSync(process.execPath, ['-e', '0']).pid;
  const orphan = await foreignLock(repo, { exclusive: true, hostname: hostname(), pid: dead });
  const lock = await repo.lock({ exclusive: true });
  const names = (await repo.backend.list('lock')).map((f) => f.name);
  assert.deepEqual(names, [lock.id]);
  assert.ok(!names.includes(old) && !names.includes(orphan));
  assert.ok(logger.lines.some((l) => l.includes(old.slice(0, 8)) && /not refreshed for 3\d minutes/.test(l)), logger.lines.join('\n'));
  assert.ok(logger.lines.some((l) => l.includes(orphan.slice(0, 8)) && l.includes(`process ${dead} no longer exists`)), logger.lines.join('\n'));
  await lock.release();
  assert.deepEqual(await repo.backend.list('lock'), []);
});

test('a held lock refreshes: a new lock file replaces the old one', async (t) => {
  const { repo } = await newRepo(t);
  const store = {
    backend: repo.backend,
    saveLockFile: (json: string) => repo.saveUnpacked('lock', json),
    loadLockFile: (id: string) => repo.loadUnpacked('lock', id),
  };
  // The refresh timer is driven by hand: with a real 40 ms interval a refresh could be half done (two
  // files) while the files are listed, or not started yet on a loaded machine. One tick is one refresh.
  t.mock.timers.enable({ apis: ['setInterval'] });
  let clock = Date.now();
  const lock = await acquireLock(store, { refreshMs: 40, now: () => new Date(clock) });
  const first = lock.id;
  clock += 60_000;
  t.mock.timers.tick(40);
  // The refresh is done when the new file is the only one left: the old one is removed last.
  let files = await repo.backend.list('lock');
  for (const deadline = Date.now() + 10_000; !(lock.id !== first && files.length === 1 && files[0]?.name === lock.id) && Date.now() < deadline;) {
    await sleep(10);
    files = await repo.backend.list('lock');
  }
  assert.notEqual(lock.id, first);
  assert.deepEqual(files.map((f) => f.name), [lock.id]);
  const content = JSON.parse(await repo.loadUnpacked('lock', lock.id)) as { time: string; pid: number; exclusive: boolean };
  assert.equal(content.pid, process.pid);
  assert.equal(content.exclusive, false);
  assert.ok(Date.parse(content.time) > Date.now() + 30_000, 'the refreshed lock carries the new time');
  await lock.release();
  t.mock.timers.tick(200);
  await sleep(100);
  assert.deepEqual(await repo.backend.list('lock'), [], 'no refresh after release');
});

test('a refresh slower than the interval is not overlapped, and release leaves no lock file behind', async (t) => {
  const { repo } = await newRepo(t);
  // Saves after the first one wait until the test lets them finish: a slow NAS or an S3 endpoint retrying.
  const gates: (() => void)[] = [];
  let saves = 0;
  const store = {
    backend: repo.backend,
    saveLockFile: async (json: string) => {
      if (saves++ > 0) await new Promise<void>((resolve) => gates.push(resolve));
      return repo.saveUnpacked('lock', json);
    },
    loadLockFile: (id: string) => repo.loadUnpacked('lock', id),
  };
  t.mock.timers.enable({ apis: ['setInterval'] });
  const lock = await acquireLock(store, { refreshMs: 40 });
  for (let i = 0; i < 5; i++) t.mock.timers.tick(40);
  await sleep(20);
  assert.equal(saves, 2, 'one refresh in flight; the four ticks during it started none');
  const releasing = lock.release();
  for (const open of gates.splice(0)) open();
  await releasing;
  assert.deepEqual(await repo.backend.list('lock'), [], 'the refresh that finished during release was removed too');
});
