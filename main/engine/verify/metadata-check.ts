/**
 * The cheap check run after every snapshot: every tree of the snapshot loads
 * and every blob those trees reference is in the index. It reads tree blobs
 * only, never file data, so it costs little even for a large database; the
 * daily and full levels read the data itself.
 */
import { describeError } from '../errors.ts';
import type { Repository } from '../repo/repository.ts';
import type { Id } from '../repo/types.ts';

export interface MetadataProblem {
  message: string;
  /** The tree that is missing, unreadable, or refers to the missing blob. */
  tree?: Id;
  /** The missing data blob. */
  blob?: Id;
}

export interface MetadataCheckReport {
  snapshotId: Id;
  ok: boolean;
  trees: number;
  dataBlobs: number;
  /** The first problems found (at most MAX_PROBLEMS); `problemCount` has them all. */
  problems: MetadataProblem[];
  problemCount: number;
}

const MAX_PROBLEMS = 100;
const short = (id: Id): string => id.slice(0, 8);

export async function checkSnapshotMetadata(repo: Repository, snapshotId: Id): Promise<MetadataCheckReport> {
  const report: MetadataCheckReport = { snapshotId, ok: true, trees: 0, dataBlobs: 0, problems: [], problemCount: 0 };
  const problem = (p: MetadataProblem): void => {
    report.problemCount++;
    if (report.problems.length < MAX_PROBLEMS) report.problems.push(p);
  };
  let root: Id;
  try {
    root = (await repo.loadSnapshot(snapshotId)).tree;
  } catch (err) {
    problem({ message: `snapshot ${short(snapshotId)} cannot be read: ${describeError(err)}` });
    report.ok = false;
    return report;
  }
  const index = repo.masterIndex;
  const seenTrees = new Set<Id>();
  const seenData = new Set<Id>();
  // Iterative walk: a deep folder hierarchy must not exhaust the stack.
  const pending: { id: Id; path: string }[] = [{ id: root, path: '/' }];
  while (pending.length > 0) {
    const { id, path } = pending.pop()!;
    if (seenTrees.has(id)) continue;
    seenTrees.add(id);
    if (!index.has('tree', id)) {
      problem({ tree: id, message: `tree ${short(id)} (${path}) is not in the index` });
      continue;
    }
    let tree;
    try {
      tree = await repo.loadTree(id);
    } catch (err) {
      problem({ tree: id, message: `tree ${short(id)} (${path}) cannot be loaded: ${describeError(err)}` });
      continue;
    }
    report.trees++;
    for (const node of tree.nodes) {
      const child = `${path === '/' ? '' : path}/${node.name.toString('utf8')}`;
      if (node.type === 'dir') {
        if (node.subtree) pending.push({ id: node.subtree, path: child });
        else problem({ tree: id, message: `folder ${JSON.stringify(child)} in tree ${short(id)} has no subtree` });
      } else if (node.type === 'file') {
        for (const blob of node.content ?? []) {
          if (seenData.has(blob)) continue;
          seenData.add(blob);
          if (!index.has('data', blob)) problem({ tree: id, blob, message: `data blob ${short(blob)} of ${JSON.stringify(child)} is not in the index` });
        }
      }
    }
  }
  report.dataBlobs = seenData.size;
  report.ok = report.problemCount === 0;
  return report;
}
