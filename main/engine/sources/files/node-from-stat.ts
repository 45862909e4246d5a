/**
 * Tree node metadata from an lstat result: restic's node type, a Go
 * os.FileMode, nanosecond times and the inode facts restic uses to spot
 * unchanged files and to recreate hard links.
 */
import type { BigIntStats } from 'node:fs';
import type { TreeNode } from '../../repo/types.ts';
import { statTimes } from '../../util/rfc3339.ts';

// Go os.FileMode bits. 1<<31 does not fit a signed 32-bit int, so these are
// combined with + rather than |.
const GO_DIR = 2 ** 31;
const GO_SYMLINK = 2 ** 27;
const GO_DEVICE = 2 ** 26;
const GO_NAMED_PIPE = 2 ** 25;
const GO_SOCKET = 2 ** 24;
const GO_SETUID = 2 ** 23;
const GO_SETGID = 2 ** 22;
const GO_CHAR_DEVICE = 2 ** 21;
const GO_STICKY = 2 ** 20;

export type NodeType = TreeNode['type'];

export function nodeTypeOf(st: BigIntStats): NodeType {
  if (st.isFile()) return 'file';
  if (st.isDirectory()) return 'dir';
  if (st.isSymbolicLink()) return 'symlink';
  if (st.isFIFO()) return 'fifo';
  if (st.isSocket()) return 'socket';
  if (st.isCharacterDevice()) return 'chardev';
  return 'dev';
}

/** POSIX st_mode to Go os.FileMode. */
export function goFileMode(stMode: number, type: NodeType): number {
  let mode = stMode & 0o777;
  if (stMode & 0o4000) mode += GO_SETUID;
  if (stMode & 0o2000) mode += GO_SETGID;
  if (stMode & 0o1000) mode += GO_STICKY;
  switch (type) {
    case 'dir': return mode + GO_DIR;
    case 'symlink': return mode + GO_SYMLINK;
    case 'fifo': return mode + GO_NAMED_PIPE;
    case 'socket': return mode + GO_SOCKET;
    case 'chardev': return mode + GO_DEVICE + GO_CHAR_DEVICE;
    case 'dev': return mode + GO_DEVICE;
    case 'file': return mode;
  }
}

/** Go os.FileMode back to the POSIX permission bits chmod takes (incl. setuid/setgid/sticky). */
export function posixPermissions(goMode: number): number {
  let mode = goMode % 2 ** 9; // the low 9 bits are the same in both
  if (Math.floor(goMode / GO_SETUID) % 2) mode |= 0o4000;
  if (Math.floor(goMode / GO_SETGID) % 2) mode |= 0o2000;
  if (Math.floor(goMode / GO_STICKY) % 2) mode |= 0o1000;
  return mode;
}

/** A node without content, subtree or link target: the caller fills those. */
export function nodeFromStat(name: Buffer, st: BigIntStats): TreeNode {
  const type = nodeTypeOf(st);
  const node: TreeNode = {
    name,
    type,
    mode: goFileMode(Number(st.mode), type),
    ...statTimes(st),
    uid: Number(st.uid),
    gid: Number(st.gid),
    inode: Number(st.ino),
    device_id: Number(st.dev),
    links: Number(st.nlink),
  };
  if (type === 'file') node.size = Number(st.size);
  if (type === 'dev' || type === 'chardev') node.device = Number(st.rdev);
  return node;
}
