/**
 * Writes a file so that readers see either the old state or the whole new
 * file, never a torn one: temp file in the same directory, fsync, rename,
 * fsync the directory (so the rename itself survives a power cut).
 */
import { randomBytes } from 'node:crypto';
import { open, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

export interface AtomicWriteOptions {
  /** Mode of the final file; restic writes repository files read-only (0400). */
  mode?: number;
}

/** Suffix marker of temp files, so listings can recognise and skip them. */
export const TEMP_MARKER = '-tmp-';

export function tempPathFor(path: string): string {
  return join(dirname(path), `${basename(path)}${TEMP_MARKER}${randomBytes(6).toString('hex')}`);
}

export async function writeFileAtomic(path: string, data: string | Uint8Array, options: AtomicWriteOptions = {}): Promise<void> {
  const temp = tempPathFor(path);
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  try {
    // 'wx': never reuse an existing temp file; the mode applies at creation, we keep a writable fd.
    const handle = await open(temp, 'wx', options.mode ?? 0o600);
    try {
      let written = 0;
      while (written < bytes.length) {
        const { bytesWritten } = await handle.write(bytes, written, bytes.length - written);
        written += bytesWritten;
      }
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, path);
  } catch (err) {
    await unlink(temp).catch((cleanupErr: NodeJS.ErrnoException) => {
      // The temp file may never have been created; anything else is secondary to the original error.
      if (cleanupErr.code !== 'ENOENT') (err as Error & { cleanupError?: unknown }).cleanupError = cleanupErr;
    });
    throw err;
  }
  await syncDirectory(dirname(path));
}

/** fsync on a directory makes a rename durable; some file systems refuse it, which is acceptable there. */
export async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'EINVAL' && code !== 'ENOTSUP' && code !== 'EISDIR' && code !== 'EPERM') throw err;
  } finally {
    await handle.close();
  }
}
