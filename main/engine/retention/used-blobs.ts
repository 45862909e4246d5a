/**
 * The blobs the snapshots still use: every tree reachable from a snapshot and
 * every data blob a file node lists. A tree that cannot be loaded stops the
 * walk with an error naming the snapshot: pruning on a partial view would
 * delete data that snapshot needs.
 */
import { BackupError, describeError } from '../errors.ts';
import type { Repository } from '../repo/repository.ts';
import type { Id, SnapshotEntry } from '../repo/types.ts';
import { mapLimit } from '../util/map-limit.ts';
import type { UsedBlobs } from './prune-plan.ts';

const TREE_CONCURRENCY = 8;

export interface UsedBlobsProgress {
  trees: number;
}

export async function findUsedBlobs(
  repository: Repository,
  snapshots: readonly SnapshotEntry[],
  options: { signal?: AbortSignal; onProgress?: (p: UsedBlobsProgress) => void } = {},
): Promise<UsedBlobs> {
  const trees = new Set<Id>();
  const data = new Set<Id>();
  // Each level of the walk: tree id -> the snapshot that reached it first (for the error message).
  let level = new Map<Id, Id>();
  for (const { id, snapshot } of snapshots) {
    if (!trees.has(snapshot.tree)) {
      trees.add(snapshot.tree);
      level.set(snapshot.tree, id);
    }
  }
  while (level.size > 0) {
    options.signal?.throwIfAborted();
    const next = new Map<Id, Id>();
    await mapLimit([...level], TREE_CONCURRENCY, async ([treeId, snapshotId]) => {
      let tree;
      try {
        tree = await repository.loadTree(treeId);
      } catch (err) {
        throw new BackupError('permanent',
          `refusing to prune: tree ${treeId.slice(0, 12)} of snapshot ${snapshotId.slice(0, 8)} cannot be loaded (${describeError(err)}); run \`check\`, and forget or repair that snapshot first`,
          { cause: err });
      }
      for (const node of tree.nodes) {
        for (const blob of node.content ?? []) data.add(blob);
        if (node.subtree && !trees.has(node.subtree)) {
          trees.add(node.subtree);
          next.set(node.subtree, snapshotId);
        }
      }
    });
    options.onProgress?.({ trees: trees.size });
    level = next;
  }
  return { tree: trees, data };
}
