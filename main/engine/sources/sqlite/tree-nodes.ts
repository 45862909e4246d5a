/** Tree nodes for the files and folders of a database snapshot (see page-layout.ts). */
import type { Id, TreeNode } from '../../repo/types.ts';

/** Go os.FileMode: ModeDir | 0755. */
const DIR_MODE = 0x80000000 | 0o755;
const FILE_MODE = 0o644;

export interface NodeOwner {
  uid: number;
  gid: number;
}

export function currentOwner(): NodeOwner {
  return { uid: process.getuid?.() ?? 0, gid: process.getgid?.() ?? 0 };
}

export function fileNode(name: string, size: number, content: Id[], time: string, owner: NodeOwner): TreeNode {
  return { name: Buffer.from(name, 'utf8'), type: 'file', mode: FILE_MODE, mtime: time, atime: time, ctime: time, ...owner, size, content };
}

export function dirNode(name: string, subtree: Id, time: string, owner: NodeOwner): TreeNode {
  return { name: Buffer.from(name, 'utf8'), type: 'dir', mode: DIR_MODE, mtime: time, atime: time, ctime: time, ...owner, subtree };
}
