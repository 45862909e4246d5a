/**
 * Removes what a killed process left in the home folder's tmp/: plain copies of
 * the trading database (a crash mid-snapshot skips copyDatabase's cleanup) and
 * the restore folders of drills and verifications.
 *
 * The rule: every name we create in tmp/ carries its creator's owner tag (pid
 * and a hash of the hostname, see tempOwnerTag). An entry is removed only if
 * its name is one of ours, its tag names this machine, and that pid is not a
 * live process. A running job's pid is alive, so its files are never touched;
 * a dead pid creates nothing more, so no race. A reused pid only delays the
 * removal. Anything else (other names, other machines sharing the home folder,
 * names from before the tag) is left alone.
 */
import { createHash } from 'node:crypto';
import { readdir, rm } from 'node:fs/promises';
import { hostname as osHostname } from 'node:os';
import { join } from 'node:path';
import type { Logger } from '../logger.ts';
import { isProcessAlive } from '../schedule/scheduler-lock.ts';

function hostTag(host: string): string {
  return createHash('sha256').update(host).digest('hex').slice(0, 8);
}

/** `<pid>.<host hash>`: put in the name of everything created in tmp/, so a sweep can tell whose it is. */
export function tempOwnerTag(pid: number = process.pid, host: string = osHostname()): string {
  return `${pid}.${hostTag(host)}`;
}

/** copy-database.ts: `<db name>.<tag>.<12 hex>.copy`, and the journal files SQLite may leave beside it. */
const DATABASE_COPY = /\.(\d+)\.([0-9a-f]{8})\.[0-9a-f]{12}\.copy(?:-journal|-wal|-shm)?$/;
/** mkdtemp folders of run-drill.ts and database-restore-check.ts: `<prefix><tag>-XXXXXX`. */
const RESTORE_FOLDER = /^(?:drill|verify-db)-(\d+)\.([0-9a-f]{8})-[A-Za-z0-9]{6}$/;

export interface TempOwner {
  pid: number;
  host: string;
}

/** The owner encoded in one of our tmp/ names (host is the hash), or null for any other name. */
export function tempEntryOwner(name: string): TempOwner | null {
  const m = DATABASE_COPY.exec(name) ?? RESTORE_FOLDER.exec(name);
  return m ? { pid: Number(m[1]), host: m[2]! } : null;
}

export interface SweepOptions {
  logger: Logger;
  isAlive?: (pid: number) => boolean;
  hostname?: string;
}

/** Removes our tmp/ entries whose creating process (on this machine) is gone; returns their names. Never throws. */
export async function sweepStaleTemp(tmpDir: string, options: SweepOptions): Promise<string[]> {
  const isAlive = options.isAlive ?? isProcessAlive;
  const thisHost = hostTag(options.hostname ?? osHostname());
  let names: string[];
  try {
    names = await readdir(tmpDir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
      options.logger.log('warn', `could not list ${tmpDir} to remove what crashed runs left: ${(err as Error).message}`);
    }
    return [];
  }
  const removed: string[] = [];
  for (const name of names.sort()) {
    const owner = tempEntryOwner(name);
    if (!owner || owner.host !== thisHost || isAlive(owner.pid)) continue;
    try {
      await rm(join(tmpDir, name), { recursive: true, force: true });
      removed.push(name);
    } catch (err) {
      options.logger.log('warn', `could not remove ${join(tmpDir, name)}, left by pid ${owner.pid}: ${(err as Error).message}`);
    }
  }
  if (removed.length > 0) {
    options.logger.log('info', `removed ${removed.length} temporary file(s) left in ${tmpDir} by runs that no longer exist`, { removed });
  }
  return removed;
}
