/**
 * Walks a snapshot's trees and lists what a restore will write, in parent
 * before child order, before anything touches the disk: so an unsafe name
 * anywhere in the snapshot stops the restore before the first write, and the
 * include filter is settled up front.
 */
import { BackupError } from '../errors.ts';
import type { Id, Tree, TreeNode } from '../repo/types.ts';
import type { IncludeFilter } from './restore-include.ts';
import { assertSafeName } from './restore-names.ts';

export interface PlannedEntry {
  /** Raw path bytes under the target folder. */
  path: Buffer;
  /** Path inside the snapshot as text, for messages. */
  snapshotPath: string;
  node: TreeNode;
}

export interface TreeLoader {
  loadTree(id: Id): Promise<Tree>;
}

const SLASH = Buffer.from('/');

export async function planRestore(repo: TreeLoader, snapshotId: Id, rootTree: Id, target: Buffer, filter: IncludeFilter): Promise<PlannedEntry[]> {
  const plan: PlannedEntry[] = [];

  /** Adds the entries of one tree; returns how many were selected below it. */
  const walk = async (treeId: Id, dir: Buffer, segments: string[], selected: boolean): Promise<number> => {
    const tree = await repo.loadTree(treeId);
    const parentPath = `/${segments.join('/')}`;
    const seen = new Set<string>();
    let count = 0;
    for (const node of tree.nodes) {
      assertSafeName(node.name, parentPath, snapshotId);
      const key = node.name.toString('latin1');
      if (seen.has(key)) {
        throw new BackupError('permanent', `snapshot ${snapshotId.slice(0, 8)} lists ${JSON.stringify(node.name.toString('utf8'))} twice in ${parentPath}; refusing to restore it`);
      }
      seen.add(key);
      const childSegments = [...segments, node.name.toString('utf8')];
      const entry: PlannedEntry = { path: Buffer.concat([dir, SLASH, node.name]), snapshotPath: `/${childSegments.join('/')}`, node };
      const isSelected = selected || filter.matches(childSegments);
      if (node.type === 'dir') {
        if (node.subtree === undefined) throw new BackupError('permanent', `folder ${entry.snapshotPath} in snapshot ${snapshotId.slice(0, 8)} has no subtree; the snapshot is damaged`);
        if (!isSelected && !filter.mayMatchBelow(childSegments)) continue;
        const at = plan.length;
        plan.push(entry);
        const below = await walk(node.subtree, entry.path, childSegments, isSelected);
        if (!isSelected && below === 0) plan.splice(at); // nothing wanted in there: drop it (and its empty children)
        else count += below + 1;
      } else if (isSelected) {
        plan.push(entry);
        count++;
      }
    }
    return count;
  };

  await walk(rootTree, target, [], false);
  return plan;
}
