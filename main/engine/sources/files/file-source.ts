/**
 * The file-system calls a file backup makes, behind an interface so tests can
 * inject a file that changes while it is read or an EACCES error. Paths are
 * Buffers throughout so names that are not valid UTF-8 survive.
 */
import { constants, promises as fsp, type BigIntStats } from 'node:fs';

export interface OpenFile {
  /** Reads into `buffer` at `offset`; resolves to 0 at end of file. */
  read(buffer: Buffer, offset: number, length: number): Promise<number>;
  stat(): Promise<BigIntStats>;
  close(): Promise<void>;
}

export interface FileSource {
  readdir(path: Buffer): Promise<Buffer[]>;
  lstat(path: Buffer): Promise<BigIntStats>;
  /** Follows symlinks: for the folders on the way to a source. */
  stat(path: Buffer): Promise<BigIntStats>;
  readlink(path: Buffer): Promise<Buffer>;
  /** Opens a file for reading without following a symlink or blocking on a FIFO. */
  open(path: Buffer): Promise<OpenFile>;
}

export const nodeFileSource: FileSource = {
  readdir: (path) => fsp.readdir(path, { encoding: 'buffer' }),
  lstat: (path) => fsp.lstat(path, { bigint: true }),
  stat: (path) => fsp.stat(path, { bigint: true }),
  readlink: (path) => fsp.readlink(path, { encoding: 'buffer' }),
  async open(path) {
    const flags = constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK;
    let handle: fsp.FileHandle;
    try {
      // O_NOATIME keeps a backup from touching atime (which would change every tree next time);
      // only the owner or root may use it, so fall back without it.
      handle = await fsp.open(path, flags | (constants.O_NOATIME ?? 0));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EPERM') throw err;
      handle = await fsp.open(path, flags);
    }
    return {
      read: async (buffer, offset, length) => (await handle.read(buffer, offset, length, null)).bytesRead,
      stat: () => handle.stat({ bigint: true }),
      close: () => handle.close(),
    };
  },
};
