/**
 * Where each repository file lives, relative to the repository root: restic's
 * layout, shared by every backend (local folders, S3 keys) and the S3 mirror,
 * so a repository copied between them stays readable by restic.
 */
import { BackupError } from '../errors.ts';
import type { FileHandle, FileType } from './backend.ts';

export const REPOSITORY_DIRS: Readonly<Record<Exclude<FileType, 'config'>, string>> = {
  key: 'keys',
  lock: 'locks',
  snapshot: 'snapshots',
  index: 'index',
  data: 'data',
};

const FILE_NAME = /^[0-9a-f]{64}$/;

/** A repository file name: 64 lowercase hex digits (SHA-256 of the stored bytes). */
export function isRepositoryFileName(name: string): boolean {
  return FILE_NAME.test(name);
}

/** The folder of a file type ('config' for the config file itself). */
export function typeFolder(type: FileType): string {
  return type === 'config' ? 'config' : REPOSITORY_DIRS[type];
}

/** `config`, `keys/<id>`, `data/<first 2 hex>/<id>`: '/'-separated; refuses a name that is not an id. */
export function relativePath(handle: FileHandle): string {
  if (handle.type === 'config') return 'config';
  if (!isRepositoryFileName(handle.name)) {
    throw new BackupError('permanent', `invalid ${handle.type} file name ${JSON.stringify(handle.name)}: expected 64 hex digits`);
  }
  if (handle.type === 'data') return `data/${handle.name.slice(0, 2)}/${handle.name}`;
  return `${REPOSITORY_DIRS[handle.type]}/${handle.name}`;
}
