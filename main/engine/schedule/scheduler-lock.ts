/**
 * One scheduler per home folder: the tray app and `quantai-backup daemon` both
 * take this lock (a file created with O_EXCL) before they schedule anything.
 * A second host is refused with a message naming the holder; a lock left by a
 * process that no longer exists on this machine is stale and taken over.
 */
import { closeSync, openSync, readFileSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { hostname as osHostname } from 'node:os';
import { join } from 'node:path';
import type { Clock } from '../clock.ts';
import { BackupError } from '../errors.ts';
import type { Logger } from '../logger.ts';

export type SchedulerHost = 'daemon' | 'tray';

export interface SchedulerLockInfo {
  pid: number;
  hostname: string;
  host: SchedulerHost;
  startedAt: string;
}

export const SCHEDULER_LOCK_FILE = 'scheduler.lock';

/** A lock file that cannot be parsed is someone mid-write, unless it is older than this. */
const UNREADABLE_GRACE_MS = 10_000;

export function schedulerLockPath(home: string): string {
  return join(home, SCHEDULER_LOCK_FILE);
}

export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function readSchedulerLock(home: string): SchedulerLockInfo | null {
  let text: string;
  try {
    text = readFileSync(schedulerLockPath(home), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  try {
    const info = JSON.parse(text) as SchedulerLockInfo;
    return typeof info.pid === 'number' && typeof info.hostname === 'string' ? info : null;
  } catch (err) {
    if (err instanceof SyntaxError) return null;
    throw err;
  }
}

/** Whether the lock's holder is alive as far as this machine can tell (another machine's holder is assumed alive). */
export function lockHolderAlive(info: SchedulerLockInfo, isAlive: (pid: number) => boolean = isProcessAlive, thisHost = osHostname()): boolean {
  return info.hostname !== thisHost || isAlive(info.pid);
}

export function describeLockHolder(info: SchedulerLockInfo): string {
  const who = info.host === 'tray' ? 'the QuantAI Backup tray app' : '`quantai-backup daemon`';
  return `${who} (pid ${info.pid} on ${info.hostname}, since ${info.startedAt})`;
}

export interface SchedulerLock {
  readonly path: string;
  readonly info: SchedulerLockInfo;
  release(): void;
}

export interface AcquireOptions {
  clock: Clock;
  logger: Logger;
  isAlive?: (pid: number) => boolean;
  hostname?: string;
  pid?: number;
}

export function acquireSchedulerLock(home: string, host: SchedulerHost, options: AcquireOptions): SchedulerLock {
  const path = schedulerLockPath(home);
  const isAlive = options.isAlive ?? isProcessAlive;
  const thisHost = options.hostname ?? osHostname();
  const info: SchedulerLockInfo = { pid: options.pid ?? process.pid, hostname: thisHost, host, startedAt: options.clock.now().toISOString() };
  for (let attempt = 0; attempt < 3; attempt++) {
    if (tryCreate(path, info)) {
      return {
        path, info,
        release: () => releaseIfOurs(path, info),
      };
    }
    const holder = readSchedulerLock(home);
    if (holder === null) {
      if (ageMs(path, options.clock) < UNREADABLE_GRACE_MS) break;
      options.logger.log('warn', `scheduler lock ${path} is unreadable and old: taking it over`);
      moveAside(path);
      continue;
    }
    if (lockHolderAlive(holder, isAlive, thisHost)) {
      throw new BackupError('permanent', `another scheduler is running for this home folder: ${describeLockHolder(holder)}; stop it first (lock: ${path})`);
    }
    options.logger.log('warn', `scheduler lock held by pid ${holder.pid} (${holder.host}), which is no longer running: taking it over`, { lock: path, staleSince: holder.startedAt });
    moveAside(path);
  }
  throw new BackupError('transient', `could not take the scheduler lock ${path}: another process is taking it at the same time; try again`);
}

function tryCreate(path: string, info: SchedulerLockInfo): boolean {
  let fd: number;
  try {
    fd = openSync(path, 'wx', 0o600);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw new BackupError('permanent', `cannot create the scheduler lock ${path}: ${(err as Error).message}`);
  }
  try {
    writeSync(fd, `${JSON.stringify(info)}\n`);
  } finally {
    closeSync(fd);
  }
  return true;
}

/** Rename rather than unlink: of two processes taking over one stale lock, only one rename succeeds. */
function moveAside(path: string): void {
  const aside = `${path}.stale-${process.pid}`;
  try {
    renameSync(path, aside);
    unlinkSync(aside);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
}

function releaseIfOurs(path: string, info: SchedulerLockInfo): void {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw err;
  }
  // Never remove a lock someone else took over (after ours was judged stale).
  if (text.trim() === JSON.stringify(info)) unlinkSync(path);
}

function ageMs(path: string, clock: Clock): number {
  try {
    return clock.now().getTime() - statSync(path).mtimeMs;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return Infinity;
    throw err;
  }
}
