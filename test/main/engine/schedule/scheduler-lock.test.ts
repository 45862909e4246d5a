import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { test } from 'node:test';
import { acquireSchedulerLock, schedulerLockPath } from '../../../../main/engine/schedule/scheduler-lock.ts';
import { systemClock } from '../../../../main/engine/clock.ts';
import { silentLogger, type Logger } from '../../../../main/engine/logger.ts';
import { tempDir } from '../../../support/temp-dir.ts';

const deps = { clock: systemClock, logger: silentLogger };

test('a second host is refused with a message naming the holder', (t) => {
  const home = tempDir(t);
  const lock = acquireSchedulerLock(home, 'daemon', deps);
  assert.throws(() => acquireSchedulerLock(home, 'tray', deps), (err: Error) => {
    assert.match(err.message, new RegExp(`another scheduler is running for this home folder: \`quantai-backup daemon\` \\(pid ${process.pid} on ${hostname()}`));
    assert.equal(err.message.includes('\n'), false, 'one line');
    return true;
  });
  lock.release();
  assert.equal(existsSync(schedulerLockPath(home)), false);
  acquireSchedulerLock(home, 'tray', deps).release();
});

test('a lock left by a dead process on this host is taken over, and the log says so', (t) => {
  const home = tempDir(t);
  const dead = spawnSync(process.execPath, ['-e', '0']).pid!;
  writeFileSync(schedulerLockPath(home), JSON.stringify({ pid: dead, hostname: hostname(), host: 'tray', startedAt: '2026-01-01T00:00:00.000Z' }));
  const logs: string[] = [];
  const logger: Logger = { log: (_l, m) => logs.push(m) };
  const lock = acquireSchedulerLock(home, 'daemon', { clock: systemClock, logger });
  assert.equal(JSON.parse(readFileSync(schedulerLockPath(home), 'utf8')).pid, process.pid);
  assert.ok(logs.some((m) => m.includes(`pid ${dead}`) && m.includes('taking it over')), logs.join('\n'));
  lock.release();
});

test('a lock held on another machine is never judged stale', (t) => {
  const home = tempDir(t);
  writeFileSync(schedulerLockPath(home), JSON.stringify({ pid: 1, hostname: 'other-box', host: 'daemon', startedAt: '2026-01-01T00:00:00.000Z' }));
  assert.throws(() => acquireSchedulerLock(home, 'tray', { ...deps, isAlive: () => false }), /pid 1 on other-box/);
});

test('release never removes a lock someone else holds now', (t) => {
  const home = tempDir(t);
  const lock = acquireSchedulerLock(home, 'daemon', deps);
  writeFileSync(schedulerLockPath(home), JSON.stringify({ pid: 42, hostname: 'x', host: 'tray', startedAt: 'now' }));
  lock.release();
  assert.equal(existsSync(schedulerLockPath(home)), true);
});
