/**
 * Checks, before the first write, what a restore would meet in the target:
 * folders that already exist as folders are reused; a file or symlink the
 * restore would create where something already is gets the whole restore
 * refused without `force` (nothing is written), and replaced atomically
 * with it. What can never be replaced is refused either way: a folder where
 * the snapshot has a file or link, or a non-folder (a symlink, say) where
 * it has a folder, since writing below it could leave the target.
 *
 * Only lstat is used, and nothing below a planned folder is looked at unless
 * that folder exists as a real folder, so no check passes through a link.
 */
import { BackupError } from '../errors.ts';
import type { PlannedEntry } from './restore-plan.ts';
import { folderInTheWayError, lstatOrUndefined, notAFolderError } from './restore-fs.ts';

const RESTORED_TYPES = new Set(['dir', 'file', 'symlink']);

function parentKey(path: Buffer): string {
  const slash = path.lastIndexOf(0x2f);
  return path.subarray(0, Math.max(slash, 0)).toString('latin1');
}

export interface ExistingEntries {
  count: number;
  first?: Buffer;
}

/** Lists the planned files and symlinks whose names are already taken; throws for what cannot be replaced. */
export async function findExisting(plan: PlannedEntry[], target: Buffer): Promise<ExistingEntries> {
  /** Planned folders (and the target) that are not there yet: nothing below them can exist. */
  const missing = new Set<string>();
  if (!(await lstatOrUndefined(target))) missing.add(target.toString('latin1'));
  const found: ExistingEntries = { count: 0 };
  for (const entry of plan) {
    if (!RESTORED_TYPES.has(entry.node.type)) continue;
    const isDir = entry.node.type === 'dir';
    const st = missing.has(parentKey(entry.path)) ? undefined : await lstatOrUndefined(entry.path);
    if (!st) {
      if (isDir) missing.add(entry.path.toString('latin1'));
      continue;
    }
    if (isDir) {
      if (!st.isDirectory()) throw notAFolderError(entry.path, st.isSymbolicLink());
      continue;
    }
    if (st.isDirectory()) throw folderInTheWayError(entry.path);
    found.count++;
    found.first ??= entry.path;
  }
  return found;
}

/** Refuses a restore without force that would replace anything; names the first such path and how many there are. */
export async function assertNothingReplaced(plan: PlannedEntry[], target: Buffer, force: boolean): Promise<void> {
  const { count, first } = await findExisting(plan, target);
  if (count === 0 || force || !first) return;
  const what = count === 1 ? '1 file already exists' : `${count} files already exist`;
  throw new BackupError(
    'permanent',
    `${what} under ${target.toString('utf8')} (first: ${first.toString('utf8')}): restore into an empty folder, or use --force to replace them`,
  );
}
