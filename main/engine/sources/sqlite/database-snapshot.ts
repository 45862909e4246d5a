/**
 * Takes one database snapshot: a consistent, verified copy of the live
 * database (copy-database.ts), stored page-chunked in segments (layout in
 * page-layout.ts), then a restic snapshot pointing at it. Nothing is written
 * to the repository until the copy has passed verification.
 */
import { hostname as osHostname, userInfo } from 'node:os';
import { basename, resolve } from 'node:path';
import type { Repository } from '../../repo/repository.ts';
import type { Id, Snapshot } from '../../repo/types.ts';
import { copyDatabase } from './copy-database.ts';
import { encodeDatabaseManifest } from './database-manifest.ts';
import type { DatabaseManifest } from './database-manifest.ts';
import {
  FIXED_NODE_TIME,
  README_NAME,
  SEGMENT_SIZE,
  SNAPSHOT_FORMAT,
  chunkSizeFor,
  joinCommand,
  manifestName,
  segmentSpans,
  segmentsDirName,
} from './page-layout.ts';
import { restoreReadme } from './restore-readme.ts';
import { storeSegments } from './store-segments.ts';
import { currentOwner, dirNode, fileNode } from './tree-nodes.ts';

export const DATABASE_SNAPSHOT_TAGS = ['quantai', 'kind:sqlite', 'tier:1'] as const;

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
  /** The engine's clock, so snapshot times agree with schedules and health (tests inject one). */
  now?: () => Date;
  /**
   * The database the copy stands for, when `dbPath` is already a private copy
   * of it (a replication base image): manifest and snapshot name this path.
   */
  sourcePath?: string;
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
    const source = opts.sourcePath ? resolve(opts.sourcePath) : copy.source;
    const dbName = basename(source);
    const owner = currentOwner();
    const capturedAt = (opts.now ?? (() => new Date()))().toISOString();
    const chunkSize = chunkSizeFor(v.pageSize);
    const manifest: DatabaseManifest = {
      format: SNAPSHOT_FORMAT,
      source,
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
      const bytesBefore = repo.packBytesWritten + repo.indexBytesWritten;
      const segments = await storeSegments(repo, {
        path: copy.path,
        size: v.size,
        chunkSize,
        owner,
        label: source,
        signal: opts.signal,
        onProgress: (bytes, total) => progress('store', bytes, total),
      });

      const manifestBytes = encodeDatabaseManifest(manifest);
      const manifestBlob = await repo.saveBlob('data', manifestBytes);
      const readmeBytes = Buffer.from(restoreReadme(dbName), 'utf8');
      const readmeBlob = await repo.saveBlob('data', readmeBytes);
      const rootTree = await repo.saveTree({
        // (The tree encoder sorts nodes by name, as restic requires.)
        nodes: [
          dirNode(segmentsDirName(dbName), segments.treeId, capturedAt, owner),
          fileNode(manifestName(dbName), manifestBytes.length, [manifestBlob.id], capturedAt, owner),
          // Fixed times so the README's node stays the same too.
          fileNode(README_NAME, readmeBytes.length, [readmeBlob.id], FIXED_NODE_TIME, owner),
        ],
      });
      await repo.flush();

      const snapshot: Snapshot = {
        time: capturedAt,
        tree: rootTree.id,
        paths: [source],
        hostname: opts.hostname ?? osHostname(),
        username: currentUsername(),
        uid: owner.uid,
        gid: owner.gid,
        tags: [...DATABASE_SNAPSHOT_TAGS, ...(opts.tags ?? []).filter((t) => !DATABASE_SNAPSHOT_TAGS.includes(t as never))],
        ...(opts.parent ? { parent: opts.parent } : {}),
      };
      const snapshotId = await repo.saveSnapshot(snapshot);
      progress('done', v.size, v.size);
      return {
        snapshotId,
        treeId: rootTree.id,
        manifest,
        copyMs: copy.copyMs + copy.verifyMs,
        totalMs: performance.now() - started,
        bytesAdded: repo.packBytesWritten + repo.indexBytesWritten - bytesBefore,
        chunksNew: segments.chunksNew,
        chunksTotal: segments.chunksTotal,
      };
    } finally {
      await lock.release();
    }
  } finally {
    await copy.remove();
  }
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
