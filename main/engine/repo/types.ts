/**
 * Shapes of restic repository format v2 objects, as stored (JSON field names
 * match restic 0.14). See docs/format.md and restic's doc/design.rst.
 */
export type BlobType = 'data' | 'tree';

/** Hex SHA-256, 64 characters. */
export type Id = string;

/**
 * A tree node. `name` here is the raw file-name bytes; the JSON encoder
 * (tree-codec.ts) writes it Go-strconv.Quote'd as restic does. `mode` is a Go
 * os.FileMode (dir = 1<<31, symlink = 1<<27), not a POSIX st_mode.
 */
export interface TreeNode {
  name: Buffer;
  type: 'file' | 'dir' | 'symlink' | 'dev' | 'chardev' | 'fifo' | 'socket';
  mode: number;
  /** RFC 3339 with nanoseconds, as restic writes. */
  mtime: string;
  atime: string;
  ctime: string;
  uid: number;
  gid: number;
  user?: string;
  group?: string;
  inode?: number;
  device_id?: number;
  size?: number;
  links?: number;
  linktarget?: string;
  /** st_rdev of a device node. */
  device?: number;
  /** Blob IDs of a file's content, in order. */
  content?: Id[];
  /** Tree blob ID of a directory. */
  subtree?: Id;
  /**
   * Fields of nodes written by restic that we do not model (e.g.
   * extended_attributes), kept so re-encoding a node does not drop them.
   */
  extra?: Record<string, unknown>;
}

export interface Tree {
  nodes: TreeNode[];
}

export interface SnapshotSummary {
  [key: string]: unknown;
}

export interface Snapshot {
  time: string;
  parent?: Id;
  tree: Id;
  paths: string[];
  hostname: string;
  username: string;
  uid: number;
  gid: number;
  excludes?: string[];
  tags?: string[];
  /** Our extension; restic ignores unknown fields. Kept small. */
  program_version?: string;
}

export interface SnapshotEntry {
  id: Id;
  snapshot: Snapshot;
}

/** What saving one blob did: `stored` is false when it was already in the repository. */
export interface SaveBlobResult {
  id: Id;
  stored: boolean;
  /** Bytes added to pack files (encrypted, possibly compressed); 0 when deduplicated. */
  storedBytes: number;
}
