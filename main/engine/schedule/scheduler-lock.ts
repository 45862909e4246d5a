/**
 * One scheduler per home folder: the tray app and `quantai-backup daemon` both
 * take this lock (a file created with O_EXCL) before they schedule anything.
 * A second host is refused with a message naming the holder; a lock left by a
 * process that no longer exists on this machine is stale and taken over.
 */
import { randomBytes } from 'node:crypto';
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
  const text = readLockText(schedulerLockPath(home));
  return text === null ? null : parseLockText(text);
}

/** The lock file's text, or null when there is none. */
function readLockText(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

function parseLockText(text: string): SchedulerLockInfo | null {
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
    const seen = readLockText(path);
    if (seen === null) continue; // released meanwhile: try to create it again
    const holder = parseLockText(seen);
    if (holder === null) {
      if (ageMs(path, options.clock) < UNREADABLE_GRACE_MS) break;
      options.logger.log('warn', `scheduler lock ${path} is unreadable and old: taking it over`);
      discardIfUnchanged(path, (moved) => moved === seen, options.logger);
      continue;
    }
    if (lockHolderAlive(holder, isAlive, thisHost)) {
      throw new BackupError('permanent', `another scheduler is running for this home folder: ${describeLockHolder(holder)}; stop it first (lock: ${path})`);
    }
    options.logger.log('warn', `scheduler lock held by pid ${holder.pid} (${holder.host}), which is no longer running: taking it over`, { lock: path, staleSince: holder.startedAt });
    discardIfUnchanged(path, (moved) => sameHolder(parseLockText(moved), holder), options.logger);
  }
  throw new BackupError('transient', `could not take the scheduler lock ${path}: another process is taking it at the same time; try again`);
}

function tryCreate(path: string, info: SchedulerLockInfo): boolean {
  return tryCreateText(path, `${JSON.stringify(info)}\n`);
}

function tryCreateText(path: string, text: string): boolean {
  let fd: number;
  try {
    fd = openSync(path, 'wx', 0o600);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw new BackupError('permanent', `cannot create the scheduler lock ${path}: ${(err as Error).message}`);
  }
  try {
    writeSync(fd, text);
  } finally {
    closeSync(fd);
  }
  return true;
}

function sameHolder(a: SchedulerLockInfo | null, b: SchedulerLockInfo): boolean {
  return a !== null && a.pid === b.pid && a.startedAt === b.startedAt && a.hostname === b.hostname;
}

/**
 * Takes over a stale lock. Rename rather than unlink: of two processes taking
 * over one stale lock, only one rename succeeds. But the loser's rename can
 * come later, after the winner already created its fresh lock: so what was
 * moved is read again and discarded only if it is still the stale lock that
 * was judged; anything else is put back for its holder (and the caller's next
 * attempt finds that holder alive).
 */
function discardIfUnchanged(path: string, isJudged: (movedText: string) => boolean, logger: Logger): void {
  const aside = `${path}.stale-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    renameSync(path, aside);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw err;
  }
  try {
    const moved = readFileSync(aside, 'utf8');
    // O_EXCL, never a rename back: a rename would replace a lock someone created meanwhile.
    if (!isJudged(moved) && !tryCreateText(path, moved)) {
      logger.log('error', `scheduler lock ${path} changed hands while being taken over and could not be put back: ${moved.trim()}`);
    }
  } finally {
    unlinkSync(aside);
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
