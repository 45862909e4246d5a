/**
 * Tree nodes carry a Go os.FileMode, not a POSIX st_mode: permission bits plus
 * high flag bits for the file kind. Getting this wrong makes restic restore
 * directories as files, so the mapping lives in one place.
 */
import { constants } from 'node:fs';
import type { TreeNode } from './types.ts';

export const GO_MODE_DIR = 2 ** 31;
export const GO_MODE_SYMLINK = 2 ** 27;
export const GO_MODE_DEVICE = 2 ** 26;
export const GO_MODE_NAMED_PIPE = 2 ** 25;
export const GO_MODE_SOCKET = 2 ** 24;
export const GO_MODE_SETUID = 2 ** 23;
export const GO_MODE_SETGID = 2 ** 22;
export const GO_MODE_CHAR_DEVICE = 2 ** 21;
export const GO_MODE_STICKY = 2 ** 20;

// Node's fs.constants lacks the setuid/setgid/sticky bits; their values are fixed by POSIX.
const S_ISUID = 0o4000;
const S_ISGID = 0o2000;
const S_ISVTX = 0o1000;

/** POSIX st_mode -> Go os.FileMode, as an unsigned number. */
export function goFileMode(stMode: number): number {
  let mode = stMode & 0o777;
  if (stMode & S_ISUID) mode += GO_MODE_SETUID;
  if (stMode & S_ISGID) mode += GO_MODE_SETGID;
  if (stMode & S_ISVTX) mode += GO_MODE_STICKY;
  switch (stMode & constants.S_IFMT) {
    case constants.S_IFDIR: return mode + GO_MODE_DIR;
    case constants.S_IFLNK: return mode + GO_MODE_SYMLINK;
    case constants.S_IFIFO: return mode + GO_MODE_NAMED_PIPE;
    case constants.S_IFSOCK: return mode + GO_MODE_SOCKET;
    case constants.S_IFBLK: return mode + GO_MODE_DEVICE;
    case constants.S_IFCHR: return mode + GO_MODE_DEVICE + GO_MODE_CHAR_DEVICE;
    default: return mode;
  }
}

/** The node type restic uses for a POSIX st_mode. */
export function nodeTypeOf(stMode: number): TreeNode['type'] {
  switch (stMode & constants.S_IFMT) {
    case constants.S_IFDIR: return 'dir';
    case constants.S_IFLNK: return 'symlink';
    case constants.S_IFIFO: return 'fifo';
    case constants.S_IFSOCK: return 'socket';
    case constants.S_IFBLK: return 'dev';
    case constants.S_IFCHR: return 'chardev';
    default: return 'file';
  }
}

/** Go os.FileMode -> POSIX permission bits (incl. setuid/setgid/sticky) for chmod on restore. */
export function posixPermissions(goMode: number): number {
  const m = goMode >>> 0;
  let perm = m & 0o777;
  if (m & GO_MODE_SETUID) perm |= S_ISUID;
  if (m & GO_MODE_SETGID) perm |= S_ISGID;
  if (m & GO_MODE_STICKY) perm |= S_ISVTX;
  return perm;
}
