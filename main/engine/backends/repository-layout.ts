/**
 * Where each repository file lives, relative to the repository root: restic's
 * layout, shared by every backend (local folders, S3 keys) and the S3 mirror,
 * so a repository copied between them stays readable by restic.
 */
import { BackupError } from '../errors.ts';
import type { ExtensionFileType, FileHandle, FileType } from './backend.ts';

export const REPOSITORY_DIRS: Readonly<Record<Exclude<FileType, 'config'>, string>> = {
  key: 'keys',
  lock: 'locks',
  snapshot: 'snapshots',
  index: 'index',
  data: 'data',
  wal: 'quantai/wal',
  oplog: 'quantai/oplog',
};

/** Folders of our own file types: absent in repositories restic (or an older version of us) created. */
export const EXTENSION_TYPES: readonly ExtensionFileType[] = ['wal', 'oplog'];

export function isExtensionType(type: FileType): type is ExtensionFileType {
  return (EXTENSION_TYPES as readonly FileType[]).includes(type);
}

const FILE_NAME = /^[0-9a-f]{64}$/;
const EXTENSION_FILE_NAME = /^[0-9a-z][0-9a-z._-]{0,127}$/;

/** A repository file name: 64 lowercase hex digits (SHA-256 of the stored bytes). */
export function isRepositoryFileName(name: string): boolean {
  return FILE_NAME.test(name);
}

/** A valid name for a file of `type`: a content hash for restic's types, a plain lowercase name for ours. */
export function isFileNameOf(type: FileType, name: string): boolean {
  return isExtensionType(type) ? EXTENSION_FILE_NAME.test(name) && !name.includes('..') : FILE_NAME.test(name);
}

/** The folder of a file type ('config' for the config file itself). */
export function typeFolder(type: FileType): string {
  return type === 'config' ? 'config' : REPOSITORY_DIRS[type];
}

/** `config`, `keys/<id>`, `data/<first 2 hex>/<id>`: '/'-separated; refuses a name that is not an id. */
export function relativePath(handle: FileHandle): string {
  if (handle.type === 'config') return 'config';
  if (!isFileNameOf(handle.type, handle.name)) {
    const expected = isExtensionType(handle.type) ? 'lowercase letters, digits, ".", "_" or "-"' : '64 hex digits';
    throw new BackupError('permanent', `invalid ${handle.type} file name ${JSON.stringify(handle.name)}: expected ${expected}`);
  }
  if (handle.type === 'data') return `data/${handle.name.slice(0, 2)}/${handle.name}`;
  return `${REPOSITORY_DIRS[handle.type]}/${handle.name}`;
}
