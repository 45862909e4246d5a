/**
 * Repository locks, compatible with restic's: files in locks/ holding
 * {time, exclusive, hostname, username, pid, uid, gid}. Writers hold a
 * non-exclusive lock; prune/forget hold an exclusive one. A lock is stale when
 * it was not refreshed for 30 minutes, or its process on this host is gone.
 */
import { hostname as osHostname, userInfo } from 'node:os';
import type { Backend } from '../backends/backend.ts';
import { BackupError, isBackupError } from '../errors.ts';
import type { Logger } from '../logger.ts';
import { formatDate, parseRfc3339Nano } from '../util/rfc3339.ts';
import type { Id } from './types.ts';

export const STALE_AFTER_MS = 30 * 60 * 1000;
export const REFRESH_EVERY_MS = 5 * 60 * 1000;

export interface LockFileJson {
  time: string;
  exclusive: boolean;
  hostname: string;
  username: string;
  pid: number;
  uid?: number;
  gid?: number;
}

/** How lock.ts reads and writes encrypted lock files without depending on Repository. */
export interface LockStore {
  readonly backend: Backend;
  saveLockFile(json: string): Promise<Id>;
  loadLockFile(id: Id): Promise<string>;
}

export interface LockOptions {
  exclusive?: boolean;
  logger?: Logger;
  now?: () => Date;
  hostname?: string;
  pid?: number;
  refreshMs?: number;
  staleMs?: number;
}

export interface RepoLock {
  readonly id: Id;
  readonly exclusive: boolean;
  release(): Promise<void>;
}

interface Identity {
  hostname: string;
  pid: number;
  now: () => Date;
  staleMs: number;
  logger?: Logger;
}

function identity(opts: LockOptions): Identity {
  return {
    hostname: opts.hostname ?? osHostname(),
    pid: opts.pid ?? process.pid,
    now: opts.now ?? (() => new Date()),
    staleMs: opts.staleMs ?? STALE_AFTER_MS,
    ...(opts.logger ? { logger: opts.logger } : {}),
  };
}

function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

function decodeLock(json: string): LockFileJson | null {
  try {
    const r = JSON.parse(json) as Partial<LockFileJson> | null;
    if (!r || typeof r.time !== 'string' || typeof r.pid !== 'number') return null;
    return {
      time: r.time,
      exclusive: r.exclusive === true,
      hostname: typeof r.hostname === 'string' ? r.hostname : '',
      username: typeof r.username === 'string' ? r.username : '',
      pid: r.pid,
    };
  } catch (err) {
    void err; // reported by the caller as an unreadable lock
    return null;
  }
}

function staleReason(lock: LockFileJson, me: Identity): string | null {
  let ageMs: number;
  try {
    ageMs = me.now().getTime() - Number(parseRfc3339Nano(lock.time) / 1_000_000n);
  } catch (err) {
    void err;
    return 'its time is unreadable';
  }
  if (ageMs > me.staleMs) return `it was not refreshed for ${Math.round(ageMs / 60000)} minutes`;
  if (lock.hostname === me.hostname && lock.pid !== me.pid && !processExists(lock.pid)) return `process ${lock.pid} no longer exists`;
  return null;
}

function describe(lock: LockFileJson): string {
  return `on host ${lock.hostname || '?'} pid ${lock.pid} since ${lock.time}`;
}

/**
 * Throws a 'transient' error if another live lock conflicts: any exclusive
 * lock, or any lock at all when we want an exclusive one. Stale locks are
 * removed along the way.
 */
export async function assertNoConflictingLock(store: LockStore, wantExclusive: boolean, opts: LockOptions = {}, ignoreId?: Id): Promise<void> {
  const me = identity(opts);
  for (const file of await store.backend.list('lock')) {
    if (file.name === ignoreId) continue;
    let json: string;
    try {
      json = await store.loadLockFile(file.name);
    } catch (err) {
      if (isBackupError(err) && err.kind === 'not-found') continue; // released while we looked
      if (isBackupError(err) && err.kind === 'permanent') {
        // A damaged lock must not block every backup forever; say so and go on.
        me.logger?.log('warn', `ignoring unreadable lock ${file.name.slice(0, 8)}: ${err.message}`);
        continue;
      }
      throw err;
    }
    const lock = decodeLock(json);
    if (!lock) {
      me.logger?.log('warn', `ignoring malformed lock ${file.name.slice(0, 8)}`);
      continue;
    }
    const stale = staleReason(lock, me);
    if (stale) {
      await store.backend.remove({ type: 'lock', name: file.name }).catch((err: unknown) => {
        if (!(isBackupError(err) && err.kind === 'not-found')) throw err;
      });
      me.logger?.log('info', `removed stale lock ${file.name.slice(0, 8)} ${describe(lock)}: ${stale}`);
      continue;
    }
    if (lock.exclusive) {
      throw new BackupError('transient', `the repository is locked exclusively (restic prune?) ${describe(lock)}; try again when it finishes`);
    }
    if (wantExclusive) {
      throw new BackupError('transient', `the repository is in use (a backup is running?) ${describe(lock)}; try again when it finishes`);
    }
  }
}

function lockJson(exclusive: boolean, me: Identity): string {
  let username = '';
  let uid: number | undefined;
  let gid: number | undefined;
  try {
    const info = userInfo();
    username = info.username;
    if (info.uid >= 0) uid = info.uid;
    if (info.gid >= 0) gid = info.gid;
  } catch (err) {
    void err; // no passwd entry: an anonymous lock is still a valid lock
  }
  const json: LockFileJson = { time: formatDate(me.now()), exclusive, hostname: me.hostname, username, pid: me.pid };
  if (uid) json.uid = uid;
  if (gid) json.gid = gid;
  return JSON.stringify(json);
}

class HeldLock implements RepoLock {
  readonly exclusive: boolean;
  private current: Id;
  private timer: NodeJS.Timeout | null = null;
  /** The refresh in progress, if any: release() waits for it, and no second one starts beside it. */
  private refreshing: Promise<void> | null = null;
  private released = false;

  constructor(private readonly store: LockStore, id: Id, exclusive: boolean, private readonly me: Identity, refreshMs: number) {
    this.current = id;
    this.exclusive = exclusive;
    this.timer = setInterval(() => {
      // A save slower than the interval (a slow NAS, S3 retrying) must not overlap the next one:
      // two in flight could finish in either order, and release() would wait for only one of them,
      // leaving a lock file with our live PID that nobody treats as stale for 30 minutes.
      if (this.refreshing) return;
      this.refreshing = this.refresh().finally(() => {
        this.refreshing = null;
      });
    }, refreshMs);
    this.timer.unref(); // a held lock must not keep the process alive
  }

  get id(): Id {
    return this.current;
  }

  /** Writes a fresh lock file, then removes the old one, as restic does. */
  private async refresh(): Promise<void> {
    if (this.released) return;
    try {
      const next = await this.store.saveLockFile(lockJson(this.exclusive, this.me));
      const old = this.current;
      this.current = next;
      await this.removeFile(old);
    } catch (err) {
      this.me.logger?.log('warn', `could not refresh the repository lock: ${(err as Error).message}`);
    }
  }

  private async removeFile(id: Id): Promise<void> {
    try {
      await this.store.backend.remove({ type: 'lock', name: id });
    } catch (err) {
      if (!(isBackupError(err) && err.kind === 'not-found')) throw err;
    }
  }

  async release(): Promise<void> {
    if (this.released) return;
    this.released = true;
    if (this.timer) clearInterval(this.timer);
    await this.refreshing;
    await this.removeFile(this.current);
  }
}

/** Takes a lock: check, create, check again (another process may have raced us). */
export async function acquireLock(store: LockStore, opts: LockOptions = {}): Promise<RepoLock> {
  const exclusive = opts.exclusive ?? false;
  const me = identity(opts);
  await assertNoConflictingLock(store, exclusive, opts);
  const id = await store.saveLockFile(lockJson(exclusive, me));
  try {
    await assertNoConflictingLock(store, exclusive, opts, id);
  } catch (err) {
    await store.backend.remove({ type: 'lock', name: id });
    throw err;
  }
  return new HeldLock(store, id, exclusive, me, opts.refreshMs ?? REFRESH_EVERY_MS);
}
