/**
 * Takes one database snapshot: a consistent, verified copy of the live
 * database (copy-database.ts), stored page-chunked in segments (layout in
 * page-layout.ts), then a restic snapshot pointing at it. Nothing is written
 * to the repository until the copy has passed verification.
 */
import { open } from 'node:fs/promises';
import { hostname as osHostname, userInfo } from 'node:os';
import { basename } from 'node:path';
import { BackupError } from '../../errors.ts';
import type { Repository } from '../../repo/repository.ts';
import type { Id, Snapshot, TreeNode } from '../../repo/types.ts';
import { copyDatabase } from './copy-database.ts';
import { encodeDatabaseManifest } from './database-manifest.ts';
import type { DatabaseManifest } from './database-manifest.ts';
import {
  FIXED_NODE_TIME,
  README_NAME,
  SEGMENT_FILE_NAME,
  SEGMENT_SIZE,
  SNAPSHOT_FORMAT,
  chunkSizeFor,
  joinCommand,
  manifestName,
  segmentName,
  segmentSpans,
  segmentsDirName,
  splitChunks,
} from './page-layout.ts';
import { restoreReadme } from './restore-readme.ts';

export const DATABASE_SNAPSHOT_TAGS = ['quantai', 'kind:sqlite', 'tier:1'] as const;

const DIR_MODE = 0x80000000 | 0o755;
const FILE_MODE = 0o644;

export interface DatabaseSnapshotProgress {
  phase: 'copy' | 'verify' | 'store' | 'done';
  bytes: number;
  totalBytes: number;
}

export interface SnapshotDatabaseOptions {
  dbPath: string;
  /** Folder for the temporary copy (the home folder's tmp/). */
  tmpDir: string;
  requiredTables?: string[];
  tags?: string[];
  /** ID of the previous snapshot of the same database. */
  parent?: string;
  hostname?: string;
  onProgress?: (p: DatabaseSnapshotProgress) => void;
  signal?: AbortSignal;
}

export interface DatabaseSnapshotResult {
  snapshotId: Id;
  treeId: Id;
  manifest: DatabaseManifest;
  /** Time of the consistent copy, including its quick_check. */
  copyMs: number;
  totalMs: number;
  /** Pack bytes written for this snapshot: data, trees and index. */
  bytesAdded: number;
  chunksNew: number;
  chunksTotal: number;
}

interface Owner {
  uid: number;
  gid: number;
}

export async function snapshotDatabase(repo: Repository, opts: SnapshotDatabaseOptions): Promise<DatabaseSnapshotResult> {
  const started = performance.now();
  const progress = (phase: DatabaseSnapshotProgress['phase'], bytes: number, totalBytes: number) =>
    opts.onProgress?.({ phase, bytes, totalBytes });
  progress('copy', 0, 0);
  const copy = await copyDatabase({
    dbPath: opts.dbPath,
    tmpDir: opts.tmpDir,
    requiredTables: opts.requiredTables,
    signal: opts.signal,
    onPhase: (phase) => progress(phase, 0, 0),
  });
  try {
    const v = copy.verification;
    const dbName = basename(copy.source);
    const owner: Owner = { uid: process.getuid?.() ?? 0, gid: process.getgid?.() ?? 0 };
    const capturedAt = new Date().toISOString();
    const chunkSize = chunkSizeFor(v.pageSize);
    const manifest: DatabaseManifest = {
      format: SNAPSHOT_FORMAT,
      source: copy.source,
      size: v.size,
      sha256: v.sha256,
      page_size: v.pageSize,
      page_count: v.pageCount,
      chunk_size: chunkSize,
      segment_size: SEGMENT_SIZE,
      segments: segmentSpans(v.size).length,
      verification: { quick_check: v.result, tables: v.tables, required_tables: copy.requiredTables },
      captured_at: capturedAt,
      join: joinCommand(dbName),
    };

    const lock = await repo.lock();
    try {
      const packBytesBefore = repo.packBytesWritten;
      const indexFilesBefore = await indexFileNames(repo);
      let chunksNew = 0;
      let chunksTotal = 0;

      const segmentNodes: TreeNode[] = [];
      const file = await open(copy.path, 'r');
      try {
        for (const span of segmentSpans(v.size)) {
          if (opts.signal?.aborted) throw new BackupError('permanent', 'the database snapshot was cancelled', { cause: opts.signal.reason });
          const bytes = Buffer.allocUnsafe(span.length);
          const { bytesRead } = await file.read(bytes, 0, span.length, span.offset);
          if (bytesRead !== span.length) {
            throw new BackupError('transient', `the temporary copy of ${copy.source} changed while it was being stored; try again`);
          }
          const content: Id[] = [];
          for (const chunk of splitChunks(bytes, chunkSize)) {
            const saved = await repo.saveBlob('data', chunk);
            content.push(saved.id);
            chunksTotal++;
            if (saved.stored) chunksNew++;
          }
          const segmentTree = await repo.saveTree({
            nodes: [fileNode(SEGMENT_FILE_NAME, span.length, content, FIXED_NODE_TIME, owner)],
          });
          segmentNodes.push(dirNode(segmentName(span.index), segmentTree.id, FIXED_NODE_TIME, owner));
          progress('store', span.offset + span.length, v.size);
        }
      } finally {
        await file.close();
      }
      const segmentsTree = await repo.saveTree({ nodes: segmentNodes });

      const manifestBytes = encodeDatabaseManifest(manifest);
      const manifestBlob = await repo.saveBlob('data', manifestBytes);
      const readmeBytes = Buffer.from(restoreReadme(dbName), 'utf8');
      const readmeBlob = await repo.saveBlob('data', readmeBytes);
      const rootTree = await repo.saveTree({
        nodes: sortNodes([
          dirNode(segmentsDirName(dbName), segmentsTree.id, capturedAt, owner),
          fileNode(manifestName(dbName), manifestBytes.length, [manifestBlob.id], capturedAt, owner),
          fileNode(README_NAME, readmeBytes.length, [readmeBlob.id], FIXED_NODE_TIME, owner),
        ]),
      });
      await repo.flush();

      const snapshot: Snapshot = {
        time: capturedAt,
        tree: rootTree.id,
        paths: [copy.source],
        hostname: opts.hostname ?? osHostname(),
        username: currentUsername(),
        uid: owner.uid,
        gid: owner.gid,
        tags: [...DATABASE_SNAPSHOT_TAGS, ...(opts.tags ?? []).filter((t) => !DATABASE_SNAPSHOT_TAGS.includes(t as never))],
        ...(opts.parent ? { parent: opts.parent } : {}),
      };
      const snapshotId = await repo.saveSnapshot(snapshot);
      const indexBytes = await newIndexBytes(repo, indexFilesBefore);
      progress('done', v.size, v.size);
      return {
        snapshotId,
        treeId: rootTree.id,
        manifest,
        copyMs: copy.copyMs + copy.verifyMs,
        totalMs: performance.now() - started,
        bytesAdded: repo.packBytesWritten - packBytesBefore + indexBytes,
        chunksNew,
        chunksTotal,
      };
    } finally {
      await lock.release();
    }
  } finally {
    await copy.remove();
  }
}

/**
 * Repository counts pack bytes but not index bytes, so index files written
 * for this snapshot are found by listing index/ before and after. Another
 * writer holding a shared lock at the same time would be counted too.
 */
async function indexFileNames(repo: Repository): Promise<Set<string>> {
  return new Set((await repo.backend.list('index')).map((f) => f.name));
}

async function newIndexBytes(repo: Repository, before: Set<string>): Promise<number> {
  const files = await repo.backend.list('index');
  return files.filter((f) => !before.has(f.name)).reduce((sum, f) => sum + f.size, 0);
}

function currentUsername(): string {
  try {
    return userInfo().username;
  } catch (err) {
    // A uid without a passwd entry (some containers): the snapshot still records the uid.
    void err;
    return process.env.USER ?? '';
  }
}

function fileNode(name: string, size: number, content: Id[], time: string, owner: Owner): TreeNode {
  return { name: Buffer.from(name, 'utf8'), type: 'file', mode: FILE_MODE, mtime: time, atime: time, ctime: time, ...owner, size, content };
}

function dirNode(name: string, subtree: Id, time: string, owner: Owner): TreeNode {
  return { name: Buffer.from(name, 'utf8'), type: 'dir', mode: DIR_MODE, mtime: time, atime: time, ctime: time, ...owner, subtree };
}

/** restic requires a tree's nodes sorted by name (byte order). */
function sortNodes(nodes: TreeNode[]): TreeNode[] {
  return [...nodes].sort((a, b) => Buffer.compare(a.name, b.name));
}
