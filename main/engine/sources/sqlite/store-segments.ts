/**
 * Stores a database file as page-sized chunks grouped in 1 MiB segment
 * subtrees (page-layout.ts) and returns the tree of segments. A segment whose
 * pages did not change produces the same tree blob as last time, which the
 * repository then deduplicates.
 */
import { open } from 'node:fs/promises';
import { BackupError } from '../../errors.ts';
import type { Repository } from '../../repo/repository.ts';
import type { Id, TreeNode } from '../../repo/types.ts';
import { FIXED_NODE_TIME, SEGMENT_FILE_NAME, segmentName, segmentSpans, splitChunks } from './page-layout.ts';
import { dirNode, fileNode } from './tree-nodes.ts';
import type { NodeOwner } from './tree-nodes.ts';

export interface StoreSegmentsOptions {
  /** The (temporary, unchanging) file to store. */
  path: string;
  size: number;
  chunkSize: number;
  owner: NodeOwner;
  /** Names the database in messages. */
  label: string;
  signal?: AbortSignal;
  onProgress?: (bytes: number, totalBytes: number) => void;
}

export interface StoredSegments {
  treeId: Id;
  chunksNew: number;
  chunksTotal: number;
}

export async function storeSegments(repo: Repository, opts: StoreSegmentsOptions): Promise<StoredSegments> {
  let chunksNew = 0;
  let chunksTotal = 0;
  const segmentNodes: TreeNode[] = [];
  const file = await open(opts.path, 'r');
  try {
    for (const span of segmentSpans(opts.size)) {
      if (opts.signal?.aborted) throw new BackupError('permanent', 'the database snapshot was cancelled', { cause: opts.signal.reason });
      const bytes = Buffer.allocUnsafe(span.length);
      const { bytesRead } = await file.read(bytes, 0, span.length, span.offset);
      if (bytesRead !== span.length) {
        throw new BackupError('transient', `the temporary copy of ${opts.label} changed while it was being stored; try again`);
      }
      const content: Id[] = [];
      for (const chunk of splitChunks(bytes, opts.chunkSize)) {
        const saved = await repo.saveBlob('data', chunk);
        content.push(saved.id);
        chunksTotal++;
        if (saved.stored) chunksNew++;
      }
      // Fixed times: anything that varies between snapshots would make every segment tree new.
      const segmentTree = await repo.saveTree({ nodes: [fileNode(SEGMENT_FILE_NAME, span.length, content, FIXED_NODE_TIME, opts.owner)] });
      segmentNodes.push(dirNode(segmentName(span.index), segmentTree.id, FIXED_NODE_TIME, opts.owner));
      opts.onProgress?.(span.offset + span.length, opts.size);
    }
  } finally {
    await file.close();
  }
  const tree = await repo.saveTree({ nodes: segmentNodes });
  return { treeId: tree.id, chunksNew, chunksTotal };
}
