/**
 * A file-tree backup: folders (and single files) on disk into one snapshot
 * tagged ["quantai", "kind:files", ...], readable by plain restic.
 *
 * Problems with single entries (permission denied, deleted meanwhile,
 * changing while read) are warnings in the result; the run completes. A
 * source path that does not exist, a repository error or cancellation
 * (opts.signal, rejecting with its reason) fails the run and writes no
 * snapshot.
 */
import { createHash } from 'node:crypto';
import { hostname as osHostname, userInfo } from 'node:os';
import { isAbsolute, normalize } from 'node:path';
import { BackupError } from '../../errors.ts';
import type { Repository } from '../../repo/repository.ts';
import type { Id, Snapshot } from '../../repo/types.ts';
import { formatDate } from '../../util/rfc3339.ts';
import { Archiver } from './archiver.ts';
import { DEFAULT_EXCLUDES, ExcludeMatcher } from './excludes.ts';
import { DEFAULT_CHUNKER_PARAMS, type ChunkerParams } from './file-chunker.ts';
import { nodeFileSource, type FileSource } from './file-source.ts';
import { warningKindOf, type FileWarning } from './warnings.ts';

export type { FileWarning, FileWarningKind } from './warnings.ts';

export const FILE_SNAPSHOT_TAGS: readonly string[] = ['quantai', 'kind:files'];

export interface FileBackupProgress {
  phase: 'backup' | 'finish';
  files: number;
  bytes: number;
  currentPath?: string;
}

export interface FileBackupOptions {
  /** Absolute paths of folders or files. */
  paths: string[];
  /** Exclude patterns (see excludes.ts); defaults to DEFAULT_EXCLUDES. */
  excludes?: string[];
  /** Parent snapshot id (or prefix): unchanged files reuse its content lists. */
  parent?: string;
  /** Read every file, ignoring the parent's content lists. */
  full?: boolean;
  tags?: string[];
  hostname?: string;
  onProgress?: (p: FileBackupProgress) => void;
  signal?: AbortSignal;
  /** The engine's clock, so snapshot times agree with schedules and health (tests inject one). */
  now?: () => Date;
  /** For tests: the file system to read (default: node:fs). */
  fileSource?: FileSource;
  /** For tests: chunker sizes; the gear seed always comes from the repository. */
  chunker?: Omit<ChunkerParams, 'seed'>;
}

export interface FileBackupResult {
  snapshotId: Id;
  treeId: Id;
  warnings: FileWarning[];
  filesNew: number;
  filesChanged: number;
  filesUnchanged: number;
  dirs: number;
  bytesRead: number;
  /** The snapshot's time as stored (RFC 3339). */
  time: string;
  /** Total size of the files in the snapshot (read or reused from the parent). */
  totalFileBytes: number;
  /** Pack and index bytes this backup added to the repository. */
  bytesAdded: number;
}

export async function backupFiles(repo: Repository, opts: FileBackupOptions): Promise<FileBackupResult> {
  const fs = opts.fileSource ?? nodeFileSource;
  const paths = await checkSources(fs, opts.paths);
  const excludes = opts.excludes ?? [...DEFAULT_EXCLUDES];
  const lock = await repo.lock();
  try {
    const parent = opts.parent === undefined ? undefined : await repo.findSnapshot(opts.parent);
    const bytesBefore = repo.packBytesWritten + repo.indexBytesWritten;
    const archiver = new Archiver({
      repo,
      fs,
      excludes: new ExcludeMatcher(excludes),
      chunker: { ...DEFAULT_CHUNKER_PARAMS, ...opts.chunker, seed: chunkerSeed(repo) },
      full: opts.full === true,
      ...(opts.signal ? { signal: opts.signal } : {}),
      ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
    });
    const treeId = await archiver.archive(paths, parent?.snapshot.tree);
    opts.signal?.throwIfAborted();
    const user = userInfo();
    const snapshotTime = formatDate((opts.now ?? (() => new Date()))());
    const snapshot: Snapshot = {
      time: snapshotTime,
      tree: treeId,
      paths,
      hostname: opts.hostname ?? osHostname(),
      username: user.username,
      uid: user.uid,
      gid: user.gid,
      tags: [...FILE_SNAPSHOT_TAGS, ...(opts.tags ?? []).filter((t) => !FILE_SNAPSHOT_TAGS.includes(t))],
      ...(excludes.length > 0 ? { excludes } : {}),
      ...(parent ? { parent: parent.id } : {}),
    };
    const snapshotId = await repo.saveSnapshot(snapshot); // flushes packs and index first
    const { stats } = archiver;
    opts.onProgress?.({ phase: 'finish', files: stats.filesNew + stats.filesChanged + stats.filesUnchanged, bytes: stats.bytesRead });
    return {
      snapshotId,
      treeId,
      time: snapshotTime,
      warnings: archiver.warnings,
      filesNew: stats.filesNew,
      filesChanged: stats.filesChanged,
      filesUnchanged: stats.filesUnchanged,
      dirs: stats.dirs,
      bytesRead: stats.bytesRead,
      totalFileBytes: stats.totalFileBytes,
      bytesAdded: repo.packBytesWritten + repo.indexBytesWritten - bytesBefore,
    };
  } finally {
    await lock.release();
  }
}

/** Absolute, normalised, existing source paths; a missing one fails the run by name. */
async function checkSources(fs: FileSource, paths: readonly string[]): Promise<string[]> {
  if (paths.length === 0) throw new BackupError('permanent', 'no folders to back up were given');
  const out: string[] = [];
  for (const raw of paths) {
    if (!isAbsolute(raw)) throw new BackupError('permanent', `the backup source ${JSON.stringify(raw)} is not an absolute path`);
    const path = normalize(raw).replace(/(.)\/+$/, '$1');
    try {
      const st = await fs.lstat(Buffer.from(path));
      // A configured source that cannot be read at all fails the run before anything is written:
      // a snapshot without it would look like a backup of it. Unreadable entries inside are warnings.
      if (st.isDirectory()) await fs.readdir(Buffer.from(path));
      else if (st.isFile()) await (await fs.open(Buffer.from(path))).close();
    } catch (err) {
      if (warningKindOf(err) === 'vanished') throw new BackupError('not-found', `the backup source ${path} does not exist; check the configured folders`, { cause: err });
      const code = (err as NodeJS.ErrnoException).code;
      throw new BackupError('permanent', `cannot read the backup source ${path} (${code ?? (err as Error).message}): give this user read access or remove it from the configured folders`, { cause: err });
    }
    if (!out.includes(path)) out.push(path);
  }
  return out;
}

/** The gear table seed, from the repository's secret-ish chunker polynomial (see file-chunker.ts). */
function chunkerSeed(repo: Repository): number {
  return createHash('sha256').update(`quantai-gear:${repo.config.chunker_polynomial}`).digest().readInt32LE(0);
}

