/**
 * The target file of a database restore (a snapshot restore, or a
 * point-in-time restore): an existing file, or a -wal, -shm or -journal
 * beside it, refuses the restore unless force; force never deletes, it
 * renames what was there aside (the old -wal may hold committed transactions
 * not yet checkpointed); the new file appears by one atomic rename, and the
 * rename is synced.
 */
import { lstat, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { BackupError } from '../errors.ts';
import { syncDirectory } from '../util/atomic-write.ts';

/** SQLite applies a -wal or hot -journal found beside a database: one left from an old file would corrupt ours. */
export const SIDECARS = ['-wal', '-shm', '-journal'] as const;

/** The target and any of its sidecars that exist (lstat: a symlink counts as taken). */
export async function existingFiles(target: string): Promise<string[]> {
  const found: string[] = [];
  for (const path of [target, ...SIDECARS.map((s) => target + s)]) {
    try {
      await lstat(path);
      found.push(path);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
  }
  return found;
}

export async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await lstat(path)).isDirectory();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw err;
  }
}

/** Refuses before any work when the target cannot be written. */
export async function checkTarget(target: string, force: boolean): Promise<void> {
  if (await isDirectory(target)) throw new BackupError('permanent', `${target} is a folder; give the path of the database file to create`);
  const existing = await existingFiles(target);
  if (existing.length > 0 && !force) {
    throw new BackupError('permanent', `${existing[0]} already exists; restore to another path or use --force to replace it`);
  }
}

/** Renames the existing database and its sidecars to `<target>.replaced-<time>[-wal|-shm|-journal]`. */
export async function moveAside(target: string, existing: string[]): Promise<string | null> {
  if (existing.length === 0) return null;
  const aside = `${target}.replaced-${new Date().toISOString().replace(/[:.]/g, '-')}`;
  for (const path of existing) await rename(path, aside + path.slice(target.length));
  return aside;
}

async function moveBack(target: string, aside: string): Promise<void> {
  for (const suffix of ['', ...SIDECARS]) {
    await rename(aside + suffix, target + suffix).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'ENOENT') throw err;
    });
  }
}

export async function removeSidecars(path: string): Promise<void> {
  await Promise.all(SIDECARS.map((s) => rm(path + s, { force: true })));
}

/**
 * Moves a finished, checked file to the target; returns where a replaced
 * database went. Checks the target again: a file that appeared while the
 * restore ran is never overwritten without force.
 */
export async function installFile(partial: string, target: string, force: boolean): Promise<string | null> {
  // A read-only check of the partial file may have left empty -wal/-shm files beside it.
  await removeSidecars(partial);
  const existing = await existingFiles(target);
  if (existing.length > 0 && !force) {
    throw new BackupError('permanent', `${existing[0]} appeared while restoring; restore to another path or use --force to replace it`);
  }
  const aside = await moveAside(target, existing);
  try {
    await rename(partial, target);
  } catch (err) {
    if (aside) await moveBack(target, aside);
    throw err;
  }
  await syncDirectory(dirname(target));
  return aside;
}
