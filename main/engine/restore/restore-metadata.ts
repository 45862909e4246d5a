/**
 * Owner, permissions and times of a restored entry, in the order that keeps
 * them: chown first (it clears setuid/setgid), then chmod, then times (any
 * change updates ctime, not mtime). Ownership only as root, as restic does.
 * Folders get theirs after everything inside them was written, or the
 * writes would bump their mtime (and a read-only folder would refuse them).
 */
import { promises as fsp } from 'node:fs';
import type { TreeNode } from '../repo/types.ts';
import { posixPermissions } from '../sources/files/node-from-stat.ts';
import { parseRfc3339Nano } from '../util/rfc3339.ts';

const isRoot = process.getuid?.() === 0;

/** Seconds as a float with microsecond precision, what utimes() takes. */
function seconds(time: string): number {
  return Number(parseRfc3339Nano(time) / 1000n) / 1e6;
}

export async function applyMetadata(path: Buffer, node: TreeNode): Promise<void> {
  const symlink = node.type === 'symlink';
  if (isRoot) await fsp.lchown(path, node.uid, node.gid);
  if (!symlink) await fsp.chmod(path, posixPermissions(node.mode));
  if (symlink) await fsp.lutimes(path, seconds(node.atime), seconds(node.mtime));
  else await fsp.utimes(path, seconds(node.atime), seconds(node.mtime));
}
