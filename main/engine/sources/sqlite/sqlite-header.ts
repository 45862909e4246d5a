/**
 * Reads the 100-byte header at the start of every SQLite database file
 * (https://www.sqlite.org/fileformat.html, section 1.3). We read it ourselves,
 * before opening the file with SQLite, to tell a user "this is not a SQLite
 * database" in plain words, and to learn the page size the copy is chunked at.
 */
import { open } from 'node:fs/promises';
import { BackupError } from '../../errors.ts';

export const SQLITE_HEADER_SIZE = 100;
const MAGIC = Buffer.from('SQLite format 3\0', 'latin1');

export interface SqliteHeader {
  /** Bytes per page: a power of two from 512 to 65536. */
  pageSize: number;
  /** Database size in pages, as the header records it (0 in files written by very old SQLite). */
  pageCount: number;
  /** 1 = rollback journal, 2 = WAL. */
  writeVersion: number;
  readVersion: number;
  changeCounter: number;
}

/** Parses a header, or returns null when the bytes are not a SQLite 3 header. */
export function parseSqliteHeader(bytes: Uint8Array): SqliteHeader | null {
  if (bytes.length < SQLITE_HEADER_SIZE) return null;
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (!buf.subarray(0, MAGIC.length).equals(MAGIC)) return null;
  const raw = buf.readUInt16BE(16);
  // The value 1 stands for 65536, which does not fit in two bytes.
  const pageSize = raw === 1 ? 65536 : raw;
  if (pageSize < 512 || pageSize > 65536 || (pageSize & (pageSize - 1)) !== 0) return null;
  return {
    pageSize,
    pageCount: buf.readUInt32BE(28),
    writeVersion: buf.readUInt8(18),
    readVersion: buf.readUInt8(19),
    changeCounter: buf.readUInt32BE(24),
  };
}

/**
 * Reads the header of the file at `path`. Throws BackupError 'not-found' when
 * the file does not exist and 'permanent' when it is not a SQLite database.
 * An empty file is a valid (empty) database to SQLite; it has no header, so
 * this returns null for it.
 */
export async function readSqliteHeader(path: string): Promise<SqliteHeader | null> {
  let handle;
  try {
    handle = await open(path, 'r');
  } catch (err) {
    throw openError(path, err);
  }
  try {
    const stat = await handle.stat();
    if (!stat.isFile()) {
      throw new BackupError('permanent', `${path} is not a file; set the database path to the SQLite database file itself`);
    }
    if (stat.size === 0) return null;
    const buf = Buffer.alloc(SQLITE_HEADER_SIZE);
    const { bytesRead } = await handle.read(buf, 0, SQLITE_HEADER_SIZE, 0);
    const header = parseSqliteHeader(buf.subarray(0, bytesRead));
    if (!header) {
      throw new BackupError(
        'permanent',
        `${path} is not a SQLite database (file is not a database); check the database path in the configuration`,
      );
    }
    return header;
  } finally {
    await handle.close();
  }
}

function openError(path: string, err: unknown): BackupError {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') {
    return new BackupError('not-found', `database ${path} does not exist; check the database path in the configuration`, { cause: err });
  }
  if (code === 'EISDIR') {
    return new BackupError('permanent', `${path} is a directory; set the database path to the SQLite database file itself`, { cause: err });
  }
  if (code === 'EACCES' || code === 'EPERM') {
    return new BackupError('permanent', `cannot read database ${path}: permission denied; let this user read the file`, { cause: err });
  }
  return new BackupError('transient', `cannot open database ${path}: ${(err as Error).message}`, { cause: err });
}
