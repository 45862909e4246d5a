/**
 * The file part of a restore drill: every file of a file snapshot, a sample
 * of them (random, plus always the largest), and a restore of each sampled
 * file's content checked against its tree node.
 *
 * Sampled files are written under numbered names, not their own: the drill
 * proves the content comes back; a hostile or non-UTF-8 name in the snapshot
 * must not decide where the drill writes (the path is kept in the evidence).
 */
import { createHash, randomInt } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { describeError } from '../errors.ts';
import type { Repository } from '../repo/repository.ts';
import type { Id } from '../repo/types.ts';

export interface SnapshotFile {
  path: string;
  size: number;
  content: Id[];
}

export interface SampledFileResult {
  path: string;
  /** Size recorded in the tree node. */
  expectedSize: number;
  restoredBytes: number;
  /** SHA-256 of the restored file as read back from disk; null when it could not be restored. */
  sha256: string | null;
  result: 'pass' | 'fail';
  detail?: string;
  largest: boolean;
}

/** Every regular file of a snapshot tree, with its path inside the snapshot. */
export async function listSnapshotFiles(repo: Repository, rootTree: Id): Promise<SnapshotFile[]> {
  const files: SnapshotFile[] = [];
  const pending: { id: Id; prefix: string }[] = [{ id: rootTree, prefix: '' }];
  while (pending.length > 0) {
    const { id, prefix } = pending.pop()!;
    const tree = await repo.loadTree(id);
    for (const node of tree.nodes) {
      const path = `${prefix}/${node.name.toString('utf8')}`;
      if (node.type === 'dir' && node.subtree) pending.push({ id: node.subtree, prefix: path });
      else if (node.type === 'file') files.push({ path, size: node.size ?? 0, content: node.content ?? [] });
    }
  }
  return files;
}

/** The largest file first, then `count` others chosen at random (fewer when the snapshot has fewer). */
export function chooseSample(files: readonly SnapshotFile[], count: number, random: (max: number) => number = randomInt): SnapshotFile[] {
  if (files.length === 0) return [];
  let largest = 0;
  for (let i = 1; i < files.length; i++) if (files[i]!.size > files[largest]!.size) largest = i;
  const rest = files.filter((_, i) => i !== largest);
  // A partial Fisher-Yates shuffle: the first `take` entries end up a uniform random sample.
  const take = Math.min(count, rest.length);
  for (let i = 0; i < take; i++) {
    const j = i + random(rest.length - i);
    [rest[i], rest[j]] = [rest[j]!, rest[i]!];
  }
  return [files[largest]!, ...rest.slice(0, take)];
}

export async function restoreSampledFile(repo: Repository, file: SnapshotFile, folder: string, index: number, largest: boolean, signal?: AbortSignal): Promise<SampledFileResult> {
  const base = { path: file.path, expectedSize: file.size, largest };
  const target = join(folder, `file-${index}`);
  const written = createHash('sha256');
  let restoredBytes = 0;
  try {
    const handle = await open(target, 'wx', 0o600);
    try {
      for (const id of file.content) {
        signal?.throwIfAborted();
        // loadBlob verifies the blob's MAC and that its SHA-256 is its id: the content hash check.
        const blob = await repo.loadBlob('data', id);
        await handle.write(blob, 0, blob.length, restoredBytes);
        written.update(blob);
        restoredBytes += blob.length;
      }
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch (err) {
    if (signal?.aborted) throw err;
    return { ...base, restoredBytes, sha256: null, result: 'fail', detail: describeError(err) };
  }
  const onDisk = await hashFile(target);
  if (onDisk !== written.digest('hex')) {
    return { ...base, restoredBytes, sha256: onDisk, result: 'fail', detail: 'the file read back from disk differs from the content written' };
  }
  if (restoredBytes !== file.size) {
    return { ...base, restoredBytes, sha256: onDisk, result: 'fail', detail: `restored ${restoredBytes} bytes, the snapshot records ${file.size}` };
  }
  return { ...base, restoredBytes, sha256: onDisk, result: 'pass' };
}

function hashFile(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    createReadStream(path)
      .on('data', (chunk) => hash.update(chunk))
      .on('error', reject)
      .on('end', () => resolve(hash.digest('hex')));
  });
}
