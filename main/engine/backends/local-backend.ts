/**
 * A repository in a local directory (a disk, a mounted NAS share, an offsite
 * drive), laid out exactly as restic's local backend does so plain restic can
 * read it: config, keys/, locks/, snapshots/, index/, data/<2 hex>/.
 */
import { existsSync } from 'node:fs';
import { mkdir, open, readdir, stat, unlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { BackupError, type ErrorKind } from '../errors.ts';
import { TEMP_MARKER, writeFileAtomic } from '../util/atomic-write.ts';
import type { Backend, FileHandle, FileInfo, FileType } from './backend.ts';
import { isExtensionType, isFileNameOf, relativePath, REPOSITORY_DIRS, typeFolder } from './repository-layout.ts';


const TRANSIENT = new Set(['EAGAIN', 'EBUSY', 'EINTR', 'ETIMEDOUT', 'EMFILE', 'ENFILE']);
const FATAL = new Set(['ENODEV', 'ENXIO', 'ESTALE', 'ENOTCONN', 'EIO']);

export interface LocalBackendOptions {
  /** Mode of stored files; restic uses 0400 (read-only). */
  fileMode?: number;
}

/**
 * Creates a file's folder and any missing parents. The last folder is made on
 * its own: Node's recursive mkdir reports a full disk there as ENOENT, which
 * would read as "file does not exist" instead of "the disk is full".
 */
async function makeFolder(dir: string): Promise<void> {
  await mkdir(dirname(dir), { recursive: true, mode: 0o700 });
  try {
    await mkdir(dir, { mode: 0o700 });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
}

export class LocalBackend implements Backend {
  readonly root: string;
  private readonly fileMode: number;

  constructor(root: string, options: LocalBackendOptions = {}) {
    this.root = root;
    this.fileMode = options.fileMode ?? 0o400;
  }

  location(): string {
    return this.root;
  }

  async exists(): Promise<boolean> {
    try {
      await stat(join(this.root, 'config'));
      return true;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') return false;
      throw this.wrap(err, 'look for the repository config in');
    }
  }

  /** True when the folder is missing or has no entries at all (an unmounted share looks like this). */
  async isEmpty(): Promise<boolean> {
    try {
      return (await readdir(this.root)).length === 0;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return true;
      throw this.wrap(err, 'read');
    }
  }

  /** Creates the layout; refuses a folder that already holds files but no repository. */
  async create(): Promise<void> {
    if (await this.exists()) {
      throw new BackupError('permanent', `a repository already exists at ${this.root}`);
    }
    if (!(await this.isEmpty())) {
      throw new BackupError('permanent', `${this.root} is not empty and holds no repository: choose an empty or new folder`);
    }
    try {
      await mkdir(this.root, { recursive: true, mode: 0o700 });
      // restic's folders only: ours appear with their first file, so a new repository looks like restic's own.
      for (const [type, dir] of Object.entries(REPOSITORY_DIRS)) {
        if (!isExtensionType(type as FileType)) await mkdir(join(this.root, dir), { mode: 0o700 });
      }
      for (let i = 0; i < 256; i++) await mkdir(join(this.root, 'data', i.toString(16).padStart(2, '0')), { mode: 0o700 });
    } catch (err) {
      throw this.wrap(err, 'create the repository folders in');
    }
  }

  async save(handle: FileHandle, data: Uint8Array): Promise<void> {
    const path = this.pathOf(handle);
    try {
      await writeFileAtomic(path, data, { mode: this.fileMode });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT' && (handle.type === 'data' || isExtensionType(handle.type)) && (await this.exists())) {
        // A repository created by another tool (or an older version of us) may lack some data/xx folders or our own folders.
        try {
          await makeFolder(dirname(path));
          await writeFileAtomic(path, data, { mode: this.fileMode });
          return;
        } catch (retryErr) {
          throw this.wrap(retryErr, 'write', handle);
        }
      }
      throw this.wrap(err, 'write', handle);
    }
  }

  async load(handle: FileHandle, offset = 0, length?: number): Promise<Buffer> {
    if (offset < 0 || (length !== undefined && length < 0)) {
      throw new BackupError('permanent', `invalid range offset=${offset} length=${length} for ${this.describe(handle)}`);
    }
    let fh;
    try {
      fh = await open(this.pathOf(handle), 'r');
    } catch (err) {
      throw this.wrap(err, 'read', handle);
    }
    try {
      const size = (await fh.stat()).size;
      const want = length ?? Math.max(0, size - offset);
      if (offset + want > size) {
        throw new BackupError('permanent', `${this.describe(handle)} is ${size} bytes, shorter than the requested range ${offset}+${want}: the file is damaged or truncated`);
      }
      const buf = Buffer.alloc(want);
      let read = 0;
      while (read < want) {
        const { bytesRead } = await fh.read(buf, read, want - read, offset + read);
        if (bytesRead === 0) throw new BackupError('transient', `${this.describe(handle)} shrank while being read`);
        read += bytesRead;
      }
      return buf;
    } catch (err) {
      throw err instanceof BackupError ? err : this.wrap(err, 'read', handle);
    } finally {
      await fh.close();
    }
  }

  async stat(handle: FileHandle): Promise<FileInfo> {
    try {
      const st = await stat(this.pathOf(handle));
      return { name: handle.type === 'config' ? '' : handle.name, size: st.size };
    } catch (err) {
      throw this.wrap(err, 'stat', handle);
    }
  }

  async remove(handle: FileHandle): Promise<void> {
    try {
      await unlink(this.pathOf(handle));
    } catch (err) {
      throw this.wrap(err, 'remove', handle);
    }
  }

  async list(type: FileType): Promise<FileInfo[]> {
    if (type === 'config') {
      return (await this.exists()) ? [await this.stat({ type: 'config', name: '' })] : [];
    }
    const base = join(this.root, typeFolder(type));
    const dirs = type === 'data' ? await this.subdirs(base) : [base];
    const out: FileInfo[] = [];
    for (const dir of dirs) {
      let names: string[];
      try {
        names = await readdir(dir);
      } catch (err) {
        // A missing data/xx folder, or one of our own folders in a repository that never had such files, holds nothing.
        if ((err as NodeJS.ErrnoException).code === 'ENOENT' && (dir !== base || isExtensionType(type))) continue;
        throw this.wrap(err, `list ${typeFolder(type)} in`);
      }
      for (const name of names) {
        // Temp files of writes in progress (and stray files) are not repository files.
        if (!isFileNameOf(type, name) || name.includes(TEMP_MARKER)) continue;
        try {
          out.push({ name, size: (await stat(join(dir, name))).size });
        } catch (err) {
          // Removed between readdir and stat (e.g. a lock released meanwhile): not listed.
          if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw this.wrap(err, `list ${typeFolder(type)} in`);
        }
      }
    }
    return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  async close(): Promise<void> {
    // Nothing is held open between calls.
  }

  private async subdirs(base: string): Promise<string[]> {
    try {
      const names = await readdir(base);
      return names.filter((n) => /^[0-9a-f]{2}$/.test(n)).sort().map((n) => join(base, n));
    } catch (err) {
      throw this.wrap(err, 'list data in');
    }
  }

  private pathOf(handle: FileHandle): string {
    return join(this.root, ...relativePath(handle).split('/'));
  }

  private describe(handle?: FileHandle): string {
    if (!handle) return this.root;
    return handle.type === 'config' ? `the config of ${this.root}` : `${handle.type} file ${handle.name.slice(0, 12)} in ${this.root}`;
  }

  private wrap(err: unknown, action: string, handle?: FileHandle): BackupError {
    if (err instanceof BackupError) return err;
    const code = (err as NodeJS.ErrnoException).code ?? '';
    let kind: ErrorKind = 'permanent';
    let hint = '';
    if (code === 'ENOENT' && !existsSync(this.root)) {
      // The whole folder is gone, not one file: typically an unmounted share or drive.
      kind = 'fatal';
      return new BackupError(kind, `the repository folder ${this.root} does not exist: is the NAS or drive mounted?`, { cause: err });
    } else if (code === 'ENOENT') {
      kind = 'not-found';
    } else if (TRANSIENT.has(code)) {
      kind = 'transient';
    } else if (FATAL.has(code)) {
      kind = 'fatal';
      hint = ': is the drive or NAS still connected?';
    } else if (code === 'ENOSPC' || code === 'EDQUOT') {
      hint = ': the disk is full';
    } else if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') {
      hint = ': permission denied (is the share mounted read-only?)';
    }
    const what = handle ? this.describe(handle) : this.root;
    const message = kind === 'not-found' && handle ? `${what} does not exist` : `cannot ${action} ${what} (${code || (err as Error).message})${hint}`;
    return new BackupError(kind, message, { cause: err });
  }
}
