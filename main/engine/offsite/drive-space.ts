/**
 * Free space on a drive against what a copy will write. Each file takes whole
 * blocks, so sizes are rounded up to the file system's block size; the check
 * runs before anything is written, so a refused copy leaves the drive as it was.
 */
import { statfs } from 'node:fs/promises';
import { BackupError } from '../errors.ts';
import { formatBytes } from '../health/health-format.ts';

export interface DriveSpace {
  freeBytes: number;
  blockSize: number;
}

export async function driveSpace(mountPath: string): Promise<DriveSpace> {
  try {
    const st = await statfs(mountPath);
    return { freeBytes: st.bavail * st.bsize, blockSize: st.bsize };
  } catch (err) {
    throw new BackupError('fatal', `cannot read the free space of ${mountPath} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}): is the drive still connected?`, { cause: err });
  }
}

/** Bytes `sizes` occupy on a file system with `blockSize` blocks (plus one block per file for its directory entry, a safe margin). */
export function bytesOnDisk(sizes: readonly number[], blockSize: number): number {
  return sizes.reduce((sum, size) => sum + (Math.ceil(size / blockSize) + 1) * blockSize, 0);
}

/** Refuses with the space needed and the space free, in one line. */
export function requireSpace(label: string, needed: number, files: number, space: DriveSpace): void {
  if (needed <= space.freeBytes) return;
  throw new BackupError('permanent',
    `offsite drive '${label}' needs ${formatBytes(needed)} for ${files} missing file(s), but has only ${formatBytes(space.freeBytes)} free: `
    + 'use a larger drive or free space on this one (nothing was written)');
}
