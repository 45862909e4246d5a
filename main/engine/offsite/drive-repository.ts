/**
 * The repository folder on a drive, before anything is mirrored into it: the
 * same repository as the local one (same config, so the same id and keys), or
 * a folder the copy may start filling. A drive holding another repository is
 * never written to: mixing two repositories' files would corrupt both.
 */
import { mkdir, readdir, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { Backend } from '../backends/backend.ts';
import type { LocalBackend } from '../backends/local-backend.ts';
import { isExtensionType, REPOSITORY_DIRS } from '../backends/repository-layout.ts';
import type { FileType } from '../backends/backend.ts';
import { BackupError } from '../errors.ts';
import { TEMP_MARKER } from '../util/atomic-write.ts';

/** Refuses a drive whose repository config differs from the local one's. */
export async function requireSameRepository(local: Backend, drive: LocalBackend, label: string): Promise<void> {
  if (!(await drive.exists())) return;
  const [ours, theirs] = await Promise.all([local.load({ type: 'config', name: '' }), drive.load({ type: 'config', name: '' })]);
  if (Buffer.compare(ours, theirs) !== 0) {
    throw new BackupError('permanent', `offsite drive '${label}' holds another repository in ${drive.location()}: move that folder away or use another drive (nothing was written)`);
  }
}

/**
 * Creates restic's top-level folders on the drive where missing. Unlike
 * LocalBackend.create this accepts a partly filled folder (a first copy cut
 * short before its config was written leaves folders behind, and the next copy
 * must carry on), and it leaves the 256 data/xx folders to the writes that
 * need them (LocalBackend.save makes a missing one; restic does the same): on
 * a slow drive 256 folders cost more than the copy of a small repository.
 */
export async function ensureDriveLayout(root: string): Promise<void> {
  try {
    await mkdir(root, { recursive: true, mode: 0o700 });
    for (const [type, dir] of Object.entries(REPOSITORY_DIRS)) {
      if (!isExtensionType(type as FileType)) await mkdir(join(root, dir), { recursive: true, mode: 0o700 });
    }
  } catch (err) {
    throw new BackupError('fatal', `cannot create the repository folders in ${root} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}): is the drive still connected and writable?`, { cause: err });
  }
}

/**
 * Deletes temp files left by a copy that was cut (unplugged drive, kill -9):
 * they are never listed as repository files, but they hold space. Only one
 * copy runs per drive (the standard lane), so none of them is in use.
 */
export async function removeStaleTempFiles(root: string): Promise<number> {
  const dirs = [root, ...Object.values(REPOSITORY_DIRS).map((d) => join(root, d))];
  const dataDir = join(root, REPOSITORY_DIRS.data);
  for (const name of await readdirOrEmpty(dataDir)) if (/^[0-9a-f]{2}$/.test(name)) dirs.push(join(dataDir, name));
  let removed = 0;
  for (const dir of dirs) {
    for (const name of await readdirOrEmpty(dir)) {
      if (!name.includes(TEMP_MARKER)) continue;
      await unlink(join(dir, name));
      removed += 1;
    }
  }
  return removed;
}

async function readdirOrEmpty(dir: string): Promise<string[]> {
  try {
    return await readdir(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT' || (err as NodeJS.ErrnoException).code === 'ENOTDIR') return [];
    throw err;
  }
}
