/**
 * File-system steps of a restore that must never follow a symlink: the
 * target may already hold files (a symlink planted there must not redirect
 * our writes), and symlinks from the snapshot are created only after every
 * file and folder, so nothing is ever written through one.
 */
import { constants, promises as fsp } from 'node:fs';
import { BackupError } from '../errors.ts';

function code(err: unknown): string | undefined {
  return (err as NodeJS.ErrnoException | null)?.code;
}

async function lstatOrUndefined(path: Buffer) {
  try {
    return await fsp.lstat(path);
  } catch (err) {
    if (code(err) === 'ENOENT') return undefined;
    throw err;
  }
}

function text(path: Buffer): string {
  return path.toString('utf8');
}

/** Creates a folder, or accepts an existing real folder; anything else there is an error. */
export async function makeDir(path: Buffer): Promise<void> {
  try {
    await fsp.mkdir(path, { mode: 0o700 });
    return;
  } catch (err) {
    if (code(err) !== 'EEXIST') throw err;
  }
  const st = await fsp.lstat(path);
  if (!st.isDirectory()) {
    throw new BackupError('permanent', `cannot restore the folder ${text(path)}: something that is not a folder${st.isSymbolicLink() ? ' (a symlink)' : ''} is already there; restore into an empty folder`);
  }
}

/** Removes a non-folder entry in the way of a new file or link (never a folder, never through a link). */
export async function clearPath(path: Buffer): Promise<void> {
  const st = await lstatOrUndefined(path);
  if (!st) return;
  if (st.isDirectory()) {
    throw new BackupError('permanent', `cannot restore ${text(path)}: a folder with that name is already there; restore into an empty folder`);
  }
  // Unlinking (rather than truncating) also keeps a hard link planted in the target from redirecting our write.
  await fsp.unlink(path);
}

/** Opens a new file for writing; fails rather than follow a symlink or reuse an existing file. */
export async function createFile(path: Buffer): Promise<fsp.FileHandle> {
  await clearPath(path);
  return fsp.open(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600);
}

export async function makeSymlink(linktarget: string, path: Buffer): Promise<void> {
  await clearPath(path);
  await fsp.symlink(linktarget, path);
}

export async function makeHardlink(existing: Buffer, path: Buffer): Promise<void> {
  await clearPath(path);
  await fsp.link(existing, path);
}
