/**
 * Restores a file snapshot (or the part selected by `include`) under a target
 * folder, at the same absolute paths restic uses: /home/u/data/a.csv goes to
 * <target>/home/u/data/a.csv.
 *
 * Order: plan everything (names checked, nothing written yet) and check the
 * target: without `force`, any file or symlink the restore would create that
 * already exists refuses the whole restore before the first write; then
 * folders and files in tree order, each blob verified by loadBlob; then
 * symlinks, so no write can pass through one; then folder permissions and
 * times, deepest first. Hard links (files with links > 1 sharing device and
 * inode) are linked to the first copy restored. Names are raw bytes end to
 * end.
 *
 * Existing entries are never removed first: without `force` everything is
 * created exclusively; with it each file is written to a temporary name in
 * its folder, fsynced, given its metadata and renamed over the old one, so
 * an abort at any point leaves every target either as it was or restored.
 */
import { promises as fsp } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { resolve } from 'node:path';
import { BackupError } from '../errors.ts';
import type { Repository } from '../repo/repository.ts';
import type { TreeNode } from '../repo/types.ts';
import { IncludeFilter } from './restore-include.ts';
import { applyMetadata } from './restore-metadata.ts';
import { assertNothingReplaced } from './restore-existing.ts';
import { planRestore, type PlannedEntry } from './restore-plan.ts';
import { createFile, makeDir, makeHardlink, makeSymlink, removeTemp, replaceWith, tempPathBeside } from './restore-fs.ts';

export type RestoreWarningKind = 'not-restored' | 'metadata' | 'size-mismatch';

export interface RestoreWarning {
  path: string;
  kind: RestoreWarningKind;
  message: string;
}

export interface RestoreFilesOptions {
  target: string;
  include?: string[];
  signal?: AbortSignal;
  /** Replace files and symlinks that already exist (atomically); without it such a restore is refused before anything is written. */
  force?: boolean;
}

export interface RestoreFilesResult {
  files: number;
  dirs: number;
  bytes: number;
  warnings: RestoreWarning[];
}

export async function restoreFiles(repo: Repository, snapshotRef: string, opts: RestoreFilesOptions): Promise<RestoreFilesResult> {
  const { id, snapshot } = await repo.findSnapshot(snapshotRef);
  const target = Buffer.from(resolve(opts.target));
  const plan = await planRestore(repo, id, snapshot.tree, target, new IncludeFilter(opts.include));
  if (opts.include && opts.include.length > 0 && plan.length === 0) {
    throw new BackupError('not-found', `nothing in snapshot ${id.slice(0, 8)} matches ${opts.include.join(', ')}`);
  }
  const force = opts.force === true;
  await assertNothingReplaced(plan, target, force);
  opts.signal?.throwIfAborted();
  await fsp.mkdir(target, { recursive: true });

  const result: RestoreFilesResult = { files: 0, dirs: 0, bytes: 0, warnings: [] };
  const warn = (entry: PlannedEntry, kind: RestoreWarningKind, message: string): void => {
    result.warnings.push({ path: entry.snapshotPath, kind, message });
  };
  const linked = new Map<string, Buffer>();
  const dirs: PlannedEntry[] = [];
  const symlinks: PlannedEntry[] = [];

  for (const entry of plan) {
    opts.signal?.throwIfAborted();
    const { node } = entry;
    switch (node.type) {
      case 'dir':
        await makeDir(entry.path);
        dirs.push(entry);
        result.dirs++;
        break;
      case 'file': {
        const key = node.links !== undefined && node.links > 1 ? `${node.device_id ?? 0}:${node.inode ?? 0}` : undefined;
        const first = key === undefined ? undefined : linked.get(key);
        if (first) {
          await makeHardlink(first, entry.path, force);
        } else {
          result.bytes += await restoreFile(repo, entry, warn, opts.signal, force);
          if (key !== undefined) linked.set(key, entry.path);
        }
        result.files++;
        break;
      }
      case 'symlink':
        symlinks.push(entry);
        break;
      default:
        warn(entry, 'not-restored', `${node.type} entries are not restored; recreate it by hand if it is needed`);
    }
  }
  for (const entry of symlinks) {
    opts.signal?.throwIfAborted();
    await makeSymlink(entry.node.linktarget ?? '', entry.path, force);
    await applyMetadata(entry.path, entry.node).catch((err: unknown) => warn(entry, 'metadata', describe(err)));
    result.files++;
  }
  for (const entry of dirs.reverse()) {
    await applyMetadata(entry.path, entry.node).catch((err: unknown) => warn(entry, 'metadata', describe(err)));
  }
  return result;
}

type Warn = (entry: PlannedEntry, kind: RestoreWarningKind, message: string) => void;

/**
 * Restores one file with its metadata; returns bytes written. Without force
 * it is created in place (exclusively, so never over anything); with force
 * it is completed under a temporary name (written, fsynced, metadata set)
 * and renamed over whatever is there. Either way a file this function
 * created and could not finish is removed; nothing else ever is.
 */
async function restoreFile(repo: Repository, entry: PlannedEntry, warn: Warn, signal: AbortSignal | undefined, force: boolean): Promise<number> {
  const path = force ? tempPathBeside(entry.path) : entry.path;
  const file = await createFile(path);
  let written: number;
  try {
    try {
      written = await writeBlobs(repo, entry, file, signal);
      if (force) await file.sync();
    } finally {
      await file.close();
    }
    if (entry.node.size !== undefined && written !== entry.node.size) {
      warn(entry, 'size-mismatch', `the snapshot says ${entry.node.size} bytes but its content has ${written}; the file was restored as stored`);
    }
    await applyMetadata(path, entry.node).catch((err: unknown) => warn(entry, 'metadata', describe(err)));
    if (force) await replaceWith(path, entry.path);
  } catch (err) {
    await removeTemp(path).catch(() => undefined);
    throw err;
  }
  return written;
}

/** Writes a file's blobs one at a time (never the whole file in memory); returns bytes written. */
async function writeBlobs(repo: Repository, entry: PlannedEntry, file: FileHandle, signal: AbortSignal | undefined): Promise<number> {
  const node: TreeNode = entry.node;
  let written = 0;
  for (const id of node.content ?? []) {
    signal?.throwIfAborted();
    const blob = await repo.loadBlob('data', id);
    for (let done = 0; done < blob.length; ) {
      const { bytesWritten } = await file.write(blob, done, blob.length - done, written + done);
      done += bytesWritten;
    }
    written += blob.length;
  }
  return written;
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
