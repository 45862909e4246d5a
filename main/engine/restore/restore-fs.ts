/**
 * File-system steps of a restore that must never follow a symlink: the
 * target may already hold files (a symlink planted there must not redirect
 * our writes), and symlinks from the snapshot are created only after every
 * file and folder, so nothing is ever written through one.
 *
 * Nothing that exists is ever removed before its replacement is complete.
 * Without `force` every entry is created exclusively (O_EXCL, symlink(),
 * link() all fail on an existing name), so a restore can never replace
 * anything, even a file that appeared after the plan was checked. With
 * `force` a file is written under a temporary name in the same folder,
 * fsynced, and renamed over the old one: at every moment the target holds
 * either the old entry or the complete new one.
 */
import { randomBytes } from 'node:crypto';
import { constants, promises as fsp } from 'node:fs';
import { BackupError } from '../errors.ts';

/** Marks the temporary names a forced restore writes (see `tempPathBeside`). */
export const RESTORE_TEMP_PREFIX = '.quantai-restore-';

function code(err: unknown): string | undefined {
  return (err as NodeJS.ErrnoException | null)?.code;
}

export async function lstatOrUndefined(path: Buffer) {
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

/** The message for a name that is already taken, for a restore without force. */
function existsError(path: Buffer, err: unknown): BackupError {
  return new BackupError('permanent', `cannot restore ${text(path)}: something is already there (it appeared during the restore); restore into an empty folder, or use --force to replace it`, { cause: err });
}

/**
 * A fresh name in the same folder as `path` (so a rename is atomic), short
 * enough whatever the length of the final name.
 */
export function tempPathBeside(path: Buffer): Buffer {
  const slash = path.lastIndexOf(0x2f);
  const dir = slash < 0 ? Buffer.alloc(0) : path.subarray(0, slash + 1);
  return Buffer.concat([dir, Buffer.from(`${RESTORE_TEMP_PREFIX}${randomBytes(8).toString('hex')}.tmp`)]);
}

/** Removes a temporary entry of ours, ignoring one that is already gone. */
export async function removeTemp(path: Buffer): Promise<void> {
  await fsp.unlink(path).catch((err: unknown) => {
    if (code(err) !== 'ENOENT') throw err;
  });
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
  if (!st.isDirectory()) throw notAFolderError(path, st.isSymbolicLink());
}

export function notAFolderError(path: Buffer, symlink: boolean): BackupError {
  return new BackupError('permanent', `cannot restore the folder ${text(path)}: something that is not a folder${symlink ? ' (a symlink)' : ''} is already there; restore into an empty folder`);
}

export function folderInTheWayError(path: Buffer): BackupError {
  return new BackupError('permanent', `cannot restore ${text(path)}: a folder with that name is already there; restore into an empty folder`);
}

/** Opens a new file for writing; fails rather than follow a symlink or reuse an existing file. */
export async function createFile(path: Buffer): Promise<fsp.FileHandle> {
  try {
    return await fsp.open(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600);
  } catch (err) {
    if (code(err) === 'EEXIST') throw existsError(path, err);
    throw err;
  }
}

/**
 * Puts a complete (written, fsynced, metadata applied) temporary file or
 * link in place of `path` in one rename. Never a folder: rename() would
 * replace an empty one, and the plan already refused those.
 */
export async function replaceWith(temp: Buffer, path: Buffer): Promise<void> {
  const st = await lstatOrUndefined(path);
  if (st?.isDirectory()) throw folderInTheWayError(path);
  await fsp.rename(temp, path);
  // rename() between two names of one inode does nothing; make sure ours is gone.
  await removeTemp(temp);
}

export async function makeSymlink(linktarget: string, path: Buffer, force: boolean): Promise<void> {
  if (!force) {
    await fsp.symlink(linktarget, path).catch((err: unknown) => {
      throw code(err) === 'EEXIST' ? existsError(path, err) : err;
    });
    return;
  }
  const temp = tempPathBeside(path);
  await fsp.symlink(linktarget, temp);
  try {
    await replaceWith(temp, path);
  } catch (err) {
    await removeTemp(temp);
    throw err;
  }
}

export async function makeHardlink(existing: Buffer, path: Buffer, force: boolean): Promise<void> {
  if (!force) {
    await fsp.link(existing, path).catch((err: unknown) => {
      throw code(err) === 'EEXIST' ? existsError(path, err) : err;
    });
    return;
  }
  const temp = tempPathBeside(path);
  await fsp.link(existing, temp);
  try {
    await replaceWith(temp, path);
  } catch (err) {
    await removeTemp(temp);
    throw err;
  }
}
