/**
 * Storage for one restic-format repository. Every backend (local directory,
 * S3, offsite drive) implements this interface and passes the shared
 * conformance suite in test/main/engine/backends/backend-conformance.ts.
 *
 * Files are content-addressed and immutable once written, except `config`
 * (written once at init) and `lock` files (created and removed).
 *
 * Errors: every method rejects with a BackupError whose kind is
 *  - 'not-found'  the named file does not exist (load, stat, remove);
 *  - 'transient'  worth retrying (network hiccup, 5xx, EAGAIN);
 *  - 'permanent'  retrying will not help (permission denied, disk full, bad credentials);
 *  - 'fatal'      the backend itself is unusable (e.g. mount point missing).
 */
export type FileType = ResticFileType | ExtensionFileType;

/** The files restic itself knows. */
export type ResticFileType = 'config' | 'key' | 'lock' | 'snapshot' | 'index' | 'data';

/**
 * Our own files, kept in folders restic ignores (restic 0.14's check and prune
 * leave unknown top-level folders alone; checked on these machines), so they
 * travel with the repository to every mirror while plain restic still reads
 * the rest: 'wal' holds real-time replication segments, 'oplog' the
 * hash-chained operations log. Both are encrypted with the repository key.
 * Their names are not content hashes: lowercase [0-9a-z._-], at most 128.
 */
export type ExtensionFileType = 'wal' | 'oplog';

export interface FileHandle {
  type: FileType;
  /** Hex file name; ignored (empty) for 'config'. */
  name: string;
}

export interface FileInfo {
  name: string;
  size: number;
}

export interface Backend {
  /** Human-readable location for messages, never containing secrets. */
  location(): string;
  /** True when the repository config file exists. */
  exists(): Promise<boolean>;
  /** Creates the directory layout of an empty repository (local) or nothing (S3). */
  create(): Promise<void>;
  /** Stores data atomically: readers see the whole file or nothing. */
  save(handle: FileHandle, data: Uint8Array): Promise<void>;
  /** Reads a whole file, or `length` bytes from `offset` when given. */
  load(handle: FileHandle, offset?: number, length?: number): Promise<Buffer>;
  stat(handle: FileHandle): Promise<FileInfo>;
  remove(handle: FileHandle): Promise<void>;
  list(type: FileType): Promise<FileInfo[]>;
  close(): Promise<void>;
}
