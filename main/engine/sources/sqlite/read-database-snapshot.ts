/**
 * Finds the parts of a database snapshot (page-layout.ts) in a repository:
 * its manifest and its segments in file order. Restores read the file through
 * this, so a snapshot that is not a database snapshot is refused in one place.
 */
import { BackupError, isBackupError } from '../../errors.ts';
import type { BlobLocation } from '../../repo/master-index.ts';
import type { Repository } from '../../repo/repository.ts';
import type { Id, SnapshotEntry, TreeNode } from '../../repo/types.ts';
import { parseDatabaseManifest } from './database-manifest.ts';
import type { DatabaseManifest } from './database-manifest.ts';
import { SEGMENT_FILE_NAME, manifestName, segmentName, segmentsDirName } from './page-layout.ts';

const MANIFEST_SUFFIX = '.manifest.json';

export interface DatabaseSnapshotParts {
  manifest: DatabaseManifest;
  /** File name of the database (the manifest's name without its suffix). */
  dbName: string;
  /** Tree IDs of the segments, in file order. */
  segmentTrees: Id[];
}

export async function readDatabaseSnapshot(repo: Repository, entry: SnapshotEntry): Promise<DatabaseSnapshotParts> {
  const short = entry.id.slice(0, 8);
  const notDatabase = (why: string) =>
    new BackupError(
      'permanent',
      `snapshot ${short} (${entry.snapshot.paths.join(', ')}) is not a database snapshot (${why}); restore it with the file restore or 'restic restore'`,
    );
  if (!(entry.snapshot.tags ?? []).includes('kind:sqlite')) throw notDatabase("it has no 'kind:sqlite' tag");
  const root = await repo.loadTree(entry.snapshot.tree);
  const manifestNode = root.nodes.find((n) => n.type === 'file' && n.name.toString('utf8').endsWith(MANIFEST_SUFFIX));
  if (!manifestNode) throw notDatabase('it has no manifest');
  const dbName = manifestNode.name.toString('utf8').slice(0, -MANIFEST_SUFFIX.length);
  const manifest = parseDatabaseManifest(await loadFile(repo, manifestNode));
  if (!manifest) throw notDatabase(`${manifestName(dbName)} is not a manifest this version understands`);

  const segmentsNode = root.nodes.find((n) => n.type === 'dir' && n.name.toString('utf8') === segmentsDirName(dbName));
  if (!segmentsNode?.subtree) throw damaged(short, `${segmentsDirName(dbName)} is missing`);
  const segments = (await repo.loadTree(segmentsNode.subtree)).nodes;
  if (segments.length !== manifest.segments) {
    throw damaged(short, `${segments.length} segments stored but the manifest lists ${manifest.segments}`);
  }
  const ordered = [...segments].sort((a, b) => Buffer.compare(a.name, b.name));
  const segmentTrees = ordered.map((node, i) => {
    if (node.name.toString('utf8') !== segmentName(i) || node.type !== 'dir' || !node.subtree) {
      throw damaged(short, `segment ${segmentName(i)} is missing`);
    }
    return node.subtree;
  });
  return { manifest, dbName, segmentTrees };
}

/** The bytes of one segment, read with one backend request per run of adjacent blobs. */
export async function loadSegment(repo: Repository, segmentTree: Id): Promise<Buffer> {
  const ids = await segmentContent(repo, segmentTree);
  const parts: Buffer[] = [];
  for (const run of adjacentRuns(repo, ids)) parts.push(...(await loadRun(repo, run)));
  return Buffer.concat(parts);
}

type Run = { ids: Id[]; locations: BlobLocation[] } | { ids: [Id]; locations: null };

/**
 * Groups consecutive blobs stored back to back in one pack. A database's
 * pages are mostly saved in file order, so a segment is usually a few runs,
 * where reading blob by blob would cost one request per 4 KiB page.
 */
function adjacentRuns(repo: Repository, ids: Id[]): Run[] {
  const runs: Run[] = [];
  let current: { ids: Id[]; locations: BlobLocation[] } | null = null;
  for (const id of ids) {
    const loc = repo.masterIndex.lookup('data', id)[0];
    if (!loc) {
      current = null;
      runs.push({ ids: [id], locations: null });
      continue;
    }
    const prev = current?.locations.at(-1);
    if (current && prev && prev.packId === loc.packId && prev.offset + prev.length === loc.offset) {
      current.ids.push(id);
      current.locations.push(loc);
    } else {
      current = { ids: [id], locations: [loc] };
      runs.push(current);
    }
  }
  return runs;
}

async function loadRun(repo: Repository, run: Run): Promise<Buffer[]> {
  if (!run.locations) return [await repo.loadBlob('data', run.ids[0])];
  const first = run.locations[0]!;
  const last = run.locations.at(-1)!;
  try {
    const bytes = await repo.backend.load({ type: 'data', name: first.packId }, first.offset, last.offset + last.length - first.offset);
    return run.locations.map((loc) => repo.decodeBlob(bytes.subarray(loc.offset - first.offset, loc.offset - first.offset + loc.length), loc));
  } catch (err) {
    // loadBlob tries every copy the index knows of, and reports the damage precisely.
    if (!isBackupError(err)) throw err;
    const blobs: Buffer[] = [];
    for (const id of run.ids) blobs.push(await repo.loadBlob('data', id));
    return blobs;
  }
}

/** The blob IDs of one segment's `data` file. */
export async function segmentContent(repo: Repository, segmentTree: Id): Promise<Id[]> {
  const node = (await repo.loadTree(segmentTree)).nodes.find((n) => n.name.toString('utf8') === SEGMENT_FILE_NAME);
  if (!node || node.type !== 'file') throw new BackupError('permanent', `segment tree ${segmentTree.slice(0, 8)} has no '${SEGMENT_FILE_NAME}' file; the snapshot is damaged`);
  return node.content ?? [];
}

async function loadFile(repo: Repository, node: TreeNode): Promise<Buffer> {
  const parts: Buffer[] = [];
  for (const id of node.content ?? []) parts.push(await repo.loadBlob('data', id));
  return Buffer.concat(parts);
}

function damaged(short: string, why: string): BackupError {
  return new BackupError('permanent', `database snapshot ${short} is damaged: ${why}; run 'restic check --read-data' and restore an earlier snapshot`);
}
