/**
 * Turns folders on disk into restic tree and data blobs.
 *
 * The root tree mirrors absolute paths, as restic's does: backing up
 * /home/u/data gives root -> "home" -> "u" -> "data" -> ..., the folders on
 * the way recorded with their own metadata but only the path towards the
 * source. Every folder is one tree blob, its nodes sorted by name bytes; a
 * tree is saved after its children, so a subtree ID is known when the parent
 * node is written.
 *
 * With a parent snapshot, each folder is walked beside the parent's tree for
 * the same path, and a file whose size, mtime, ctime and inode match keeps
 * the parent's content list without being read (unless `full`). Hard-linked
 * files seen twice in one run are read once.
 */
import type { BigIntStats } from 'node:fs';
import type { BlobType, Id, SaveBlobResult, Tree, TreeNode } from '../../repo/types.ts';
import { reusableContent } from './change-detect.ts';
import type { ExcludeMatcher } from './excludes.ts';
import { ContentChunker, type ChunkerParams } from './file-chunker.ts';
import type { FileSource } from './file-source.ts';
import { nodeFromStat } from './node-from-stat.ts';
import { readFileContent } from './read-file.ts';
import { buildSourceTrie, type SourceTrie } from './source-trie.ts';
import { joinPath, listDirectory, report, type WalkContext, type WalkEntry } from './walker.ts';
import { pathText, type FileWarning } from './warnings.ts';

/** What the archiver needs from a repository (a narrow view of Repository). */
export interface ArchiveTarget {
  saveBlob(type: BlobType, data: Uint8Array): Promise<SaveBlobResult>;
  saveTree(tree: Tree): Promise<SaveBlobResult>;
  loadTree(id: Id): Promise<Tree>;
  hasBlob(type: BlobType, id: Id): boolean;
}

export interface ArchiveProgress {
  phase: 'backup';
  files: number;
  bytes: number;
  currentPath?: string;
}

export interface ArchiverOptions {
  repo: ArchiveTarget;
  fs: FileSource;
  excludes: ExcludeMatcher;
  chunker: ChunkerParams;
  /** Read every file even when the parent says it is unchanged. */
  full: boolean;
  signal?: AbortSignal;
  onProgress?: (p: ArchiveProgress) => void;
}

export interface ArchiveStats {
  filesNew: number;
  filesChanged: number;
  filesUnchanged: number;
  dirs: number;
  bytesRead: number;
  /** Sum of storedBytes of the blobs this run added (before pack headers and index). */
  blobBytesAdded: number;
  /** Total size of every file in the snapshot, read or reused: what the size-change alert compares. */
  totalFileBytes: number;
}

interface LinkedContent {
  size: number;
  mtimeNs: bigint;
  ctimeNs: bigint;
  content: Id[];
}

const PROGRESS_BYTES = 8 * 1024 * 1024;

export class Archiver {
  readonly warnings: FileWarning[] = [];
  readonly stats: ArchiveStats = { filesNew: 0, filesChanged: 0, filesUnchanged: 0, dirs: 0, bytesRead: 0, blobBytesAdded: 0, totalFileBytes: 0 };
  private readonly opts: ArchiverOptions;
  private readonly walk: WalkContext;
  private readonly hardlinks = new Map<string, LinkedContent>();
  private files = 0;
  private progressBytes = 0;

  constructor(opts: ArchiverOptions) {
    this.opts = opts;
    this.walk = { fs: opts.fs, excludes: opts.excludes, warn: (w) => this.warnings.push(w) };
  }

  /**
   * Archives absolute, existing source paths (files or folders) and returns
   * the root tree ID. `parentRoot` is the parent snapshot's root tree.
   */
  async archive(sources: readonly string[], parentRoot?: Id): Promise<Id> {
    const trie = buildSourceTrie(sources);
    const rootPath = Buffer.from('/');
    if (trie.source) {
      // Backing up '/' itself: the root tree is the file system root's listing.
      const stat = await this.opts.fs.lstat(rootPath);
      const prev = parentRoot === undefined ? undefined : { ...nodeFromStat(Buffer.alloc(0), stat), subtree: parentRoot };
      const id = await this.saveDir({ name: Buffer.alloc(0), path: rootPath, relPath: '', stat }, prev);
      return id ?? this.saveTree([]);
    }
    const parent = parentRoot === undefined ? undefined : await this.opts.repo.loadTree(parentRoot);
    return this.saveVirtualDir(trie, rootPath, parent);
  }

  /** A folder on the way to a source: only the children leading to sources. */
  private async saveVirtualDir(trie: SourceTrie, dir: Buffer, parent: Tree | undefined): Promise<Id> {
    const previous = byName(parent);
    const nodes: TreeNode[] = [];
    const names = [...trie.children.keys()].map((n) => Buffer.from(n)).sort(Buffer.compare);
    for (const name of names) {
      const child = trie.children.get(name.toString()) as SourceTrie;
      const path = joinPath(dir, name);
      let stat: BigIntStats;
      try {
        // A source is recorded as it is (a symlink stays one); a folder on the
        // way is followed, so /home -> /usr/home still shows as /home/u/...
        stat = child.source ? await this.opts.fs.lstat(path) : await this.opts.fs.stat(path);
      } catch (err) {
        if (!report(this.walk, path, err)) throw err;
        continue;
      }
      const prev = previous.get(name.toString('latin1'));
      const entry: WalkEntry = { name, path, relPath: '', stat };
      if (child.source) {
        const node = await this.saveEntry(entry, prev);
        if (node) nodes.push(node);
      } else if (stat.isDirectory()) {
        const node = nodeFromStat(name, stat);
        node.subtree = await this.saveVirtualDir(child, path, await this.previousTree(prev));
        this.stats.dirs++;
        nodes.push(node);
      } else {
        this.walk.warn({ path: pathText(path), kind: 'vanished', message: 'is no longer a folder' });
      }
    }
    return this.saveTree(nodes);
  }

  /** One entry below a source (or a source itself); undefined when it is left out. */
  private async saveEntry(entry: WalkEntry, prev: TreeNode | undefined): Promise<TreeNode | undefined> {
    this.opts.signal?.throwIfAborted();
    const node = nodeFromStat(entry.name, entry.stat);
    try {
      switch (node.type) {
        case 'dir': {
          const subtree = await this.saveDir(entry, prev);
          if (subtree === undefined) return undefined;
          node.subtree = subtree;
          return node;
        }
        case 'file':
          return await this.saveFile(entry, node, prev);
        case 'symlink':
          node.linktarget = (await this.opts.fs.readlink(entry.path)).toString('utf8');
          return node;
        default:
          return node; // fifo, socket, devices: metadata only
      }
    } catch (err) {
      if (!report(this.walk, entry.path, err)) throw err;
      return undefined;
    }
  }

  private async saveDir(entry: WalkEntry, prev: TreeNode | undefined): Promise<Id | undefined> {
    const entries = await listDirectory(this.walk, entry.path, entry.relPath);
    if (entries === undefined) return undefined;
    const previous = byName(await this.previousTree(prev));
    const nodes: TreeNode[] = [];
    for (const child of entries) {
      const node = await this.saveEntry(child, previous.get(child.name.toString('latin1')));
      if (node) nodes.push(node);
    }
    this.stats.dirs++;
    return this.saveTree(nodes);
  }

  private async saveFile(entry: WalkEntry, node: TreeNode, prev: TreeNode | undefined): Promise<TreeNode> {
    const saved = await this.saveFileNode(entry, node, prev);
    this.stats.totalFileBytes += saved.size ?? 0;
    return saved;
  }

  private async saveFileNode(entry: WalkEntry, node: TreeNode, prev: TreeNode | undefined): Promise<TreeNode> {
    const counted = prev?.type === 'file' ? 'filesChanged' : 'filesNew';
    this.files++;
    this.opts.onProgress?.({ phase: 'backup', files: this.files, bytes: this.stats.bytesRead, currentPath: pathText(entry.path) });
    if (!this.opts.full) {
      const reused = reusableContent(prev, node);
      if (reused && reused.every((id) => this.opts.repo.hasBlob('data', id))) {
        node.content = reused;
        this.stats.filesUnchanged++;
        return node;
      }
    }
    const linkKey = entry.stat.nlink > 1n ? `${entry.stat.dev}:${entry.stat.ino}` : undefined;
    const linked = linkKey === undefined ? undefined : this.hardlinks.get(linkKey);
    if (linked && linked.size === node.size && linked.mtimeNs === entry.stat.mtimeNs && linked.ctimeNs === entry.stat.ctimeNs) {
      node.content = linked.content;
      this.stats[counted]++;
      return node;
    }
    const read = await readFileContent(entry.path, {
      fs: this.opts.fs,
      newChunker: () => new ContentChunker(this.opts.chunker),
      saveChunk: (chunk) => this.saveData(chunk),
      signal: this.opts.signal,
      onBytes: (n) => this.countBytes(n, entry.path),
    });
    const stored = nodeFromStat(entry.name, read.stat);
    stored.size = read.size;
    stored.content = read.content;
    if (read.changed) {
      this.walk.warn({
        path: pathText(entry.path),
        kind: 'changed-during-read',
        message: 'the file kept changing while it was read; the stored copy may be inconsistent',
      });
    }
    if (linkKey !== undefined && !read.changed) {
      this.hardlinks.set(linkKey, { size: read.size, mtimeNs: read.stat.mtimeNs, ctimeNs: read.stat.ctimeNs, content: read.content });
    }
    this.stats[counted]++;
    return stored;
  }

  private countBytes(n: number, path: Buffer): void {
    this.stats.bytesRead += n;
    this.progressBytes += n;
    if (this.progressBytes >= PROGRESS_BYTES) {
      this.progressBytes = 0;
      this.opts.onProgress?.({ phase: 'backup', files: this.files, bytes: this.stats.bytesRead, currentPath: pathText(path) });
    }
  }

  private async saveData(chunk: Buffer): Promise<Id> {
    const res = await this.opts.repo.saveBlob('data', chunk);
    this.stats.blobBytesAdded += res.storedBytes;
    return res.id;
  }

  private async saveTree(nodes: TreeNode[]): Promise<Id> {
    nodes.sort((a, b) => Buffer.compare(a.name, b.name));
    const res = await this.opts.repo.saveTree({ nodes });
    this.stats.blobBytesAdded += res.storedBytes;
    return res.id;
  }

  private async previousTree(prev: TreeNode | undefined): Promise<Tree | undefined> {
    if (this.opts.full || prev?.type !== 'dir' || prev.subtree === undefined) return undefined;
    return this.opts.repo.loadTree(prev.subtree);
  }
}

function byName(tree: Tree | undefined): Map<string, TreeNode> {
  const map = new Map<string, TreeNode>();
  for (const node of tree?.nodes ?? []) map.set(node.name.toString('latin1'), node);
  return map;
}
