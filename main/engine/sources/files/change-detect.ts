/**
 * Decides whether a file may reuse its parent snapshot's content list without
 * being read: same type, size, mtime, ctime and inode, restic's default test.
 * ctime matters because a tool can restore an old mtime after writing
 * (touch -r, rsync -t); it cannot set ctime.
 */
import type { Id, TreeNode } from '../../repo/types.ts';
import { parseRfc3339Nano } from '../../util/rfc3339.ts';

export function reusableContent(previous: TreeNode | undefined, current: TreeNode): Id[] | undefined {
  if (!previous || previous.type !== 'file' || current.type !== 'file') return undefined;
  if (!Array.isArray(previous.content)) return undefined;
  // An empty file's size is omitted from the JSON (omitempty), so it decodes as undefined.
  if ((previous.size ?? 0) !== (current.size ?? 0)) return undefined;
  if (previous.inode !== current.inode) return undefined;
  if (!sameInstant(previous.mtime, current.mtime) || !sameInstant(previous.ctime, current.ctime)) return undefined;
  return previous.content;
}

/** Compares as instants, so a parent written by restic (other zone, trimmed fraction) still matches. */
function sameInstant(a: string, b: string): boolean {
  if (a === b) return true;
  const na = instant(a);
  return na !== undefined && na === instant(b);
}

function instant(text: string): bigint | undefined {
  try {
    return parseRfc3339Nano(text);
  } catch {
    return undefined; // a malformed time in an old snapshot only means "read the file again"
  }
}
