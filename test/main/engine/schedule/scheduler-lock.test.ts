import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { test } from 'node:test';
import { acquireSchedulerLock, isProcessAlive, schedulerLockPath, type SchedulerLock } from '../../../../main/engine/schedule/scheduler-lock.ts';
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

test('of two hosts taking over one stale lock, the later one never moves the winner\'s fresh lock aside', (t) => {
  const home = tempDir(t);
  const dead = spawnSync(process.execPath, ['-e', '0']).pid!;
  writeFileSync(schedulerLockPath(home), JSON.stringify({ pid: dead, hostname: hostname(), host: 'tray', startedAt: '2026-01-01T00:00:00.000Z' }));
  // B has read the dead holder and is judging it; right then A takes the lock over (the whole of it), then B goes on.
  let a: SchedulerLock | null = null;
  const bIsAlive = (pid: number) => {
    if (pid === dead && a === null) a = acquireSchedulerLock(home, 'tray', { clock: systemClock, logger: silentLogger, pid: 4_000_001, isAlive: isProcessAlive });
    return pid === 4_000_001 || isProcessAlive(pid);
  };
  assert.throws(() => acquireSchedulerLock(home, 'daemon', { clock: systemClock, logger: silentLogger, isAlive: bIsAlive }),
    /another scheduler is running for this home folder: the QuantAI Backup tray app \(pid 4000001 /);
  assert.ok(a, 'A took the lock over');
  const winner: SchedulerLock = a;
  assert.deepEqual(JSON.parse(readFileSync(schedulerLockPath(home), 'utf8')), winner.info, 'A still holds its lock');
  assert.deepEqual(readdirSync(home), ['scheduler.lock'], 'nothing is left aside');
  winner.release();
  assert.equal(existsSync(schedulerLockPath(home)), false);
});

test('of two hosts taking over one unreadable old lock, the later one never moves the winner\'s fresh lock aside', (t) => {
  const home = tempDir(t);
  writeFileSync(schedulerLockPath(home), '{"pid": 12');
  utimesSync(schedulerLockPath(home), new Date('2026-01-01T00:00:00Z'), new Date('2026-01-01T00:00:00Z'));
  // B has judged the lock unreadable and old and says so; right then A takes it over (the whole of it), then B goes on.
  let a: SchedulerLock | null = null;
  const bLogger: Logger = {
    log: (_level, message) => {
      if (message.includes('unreadable and old') && a === null) a = acquireSchedulerLock(home, 'tray', { clock: systemClock, logger: silentLogger, pid: 4_000_002 });
    },
  };
  assert.throws(() => acquireSchedulerLock(home, 'daemon', { clock: systemClock, logger: bLogger, isAlive: (pid) => pid === 4_000_002 }),
    /another scheduler is running for this home folder: the QuantAI Backup tray app \(pid 4000002 /);
  assert.ok(a, 'A took the lock over');
  const winner: SchedulerLock = a;
  assert.deepEqual(JSON.parse(readFileSync(schedulerLockPath(home), 'utf8')), winner.info, 'A still holds its lock');
  assert.deepEqual(readdirSync(home), ['scheduler.lock'], 'nothing is left aside');
});

test('a stale lock taken over leaves nothing aside', (t) => {
  const home = tempDir(t);
  const dead = spawnSync(process.execPath, ['-e', '0']).pid!;
  writeFileSync(schedulerLockPath(home), JSON.stringify({ pid: dead, hostname: hostname(), host: 'tray', startedAt: '2026-01-01T00:00:00.000Z' }));
  const lock = acquireSchedulerLock(home, 'daemon', deps);
  assert.deepEqual(readdirSync(home), ['scheduler.lock']);
  lock.release();
  assert.deepEqual(readdirSync(home), []);
});
