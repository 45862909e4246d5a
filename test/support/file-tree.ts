/**
 * Test file trees described as data, and a description of a tree on disk to
 * compare two trees (source vs restored).
 *
 *   writeTree(root, {
 *     'a.txt': 'content',                       // a file (string or Buffer)
 *     empty: '',
 *     dir: { 'b.txt': 'x', deeper: {} },        // a folder
 *     link: { symlink: 'a.txt' },               // a symlink (target verbatim)
 *     twin: { hardlink: 'a.txt' },              // a hard link to a path written earlier (relative to root)
 *     big: { generate: { size: 200 * 2 ** 20, seed: 1, kind: 'random' } },
 *     tool: { file: '#!/bin/sh\n', mode: 0o755 },
 *     pipe: { fifo: true },
 *     odd: { entries: [[Buffer.from([0x66, 0xff]), 'non-UTF-8 name']] },  // Buffer names
 *   });
 * A folder object with a key named symlink, hardlink, file, generate, fifo or
 * entries is read as that special entry: those names are reserved.
 */
import { createHash, randomBytes } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { chmodSync, closeSync, linkSync, lstatSync, mkdirSync, openSync, readFileSync, readdirSync, readlinkSync, symlinkSync, writeSync } from 'node:fs';

export type Name = string | Buffer;

export type Entry =
  | string
  | Buffer
  | { symlink: Name }
  | { hardlink: string }
  | { file: string | Buffer; mode?: number }
  | { generate: GenerateSpec; mode?: number }
  | { fifo: true }
  | { entries: [Name, Entry][]; mode?: number }
  | TreeSpec;

export interface TreeSpec {
  [name: string]: Entry;
}

export interface GenerateSpec {
  size: number;
  seed: number;
  /**
   * random: 1 MiB blocks drawn from a pool of 8 random blocks, each slightly varied (incompressible,
   * partly deduplicable); text: compressible CSV lines; mixed: alternating 1 MiB runs of both.
   */
  kind: 'random' | 'text' | 'mixed';
}

const SLASH = Buffer.from('/');

function join(dir: Buffer, name: Name): Buffer {
  return Buffer.concat([dir, SLASH, typeof name === 'string' ? Buffer.from(name) : name]);
}

export function writeTree(root: string, spec: TreeSpec | [Name, Entry][]): void {
  mkdirSync(root, { recursive: true });
  writeEntries(Buffer.from(root), Buffer.from(root), Array.isArray(spec) ? spec : Object.entries(spec));
}

function writeEntries(root: Buffer, dir: Buffer, entries: [Name, Entry][]): void {
  for (const [name, entry] of entries) writeEntry(root, join(dir, name), entry);
}

function writeEntry(root: Buffer, path: Buffer, entry: Entry): void {
  if (typeof entry === 'string' || Buffer.isBuffer(entry)) {
    writeFile(path, Buffer.from(entry));
    return;
  }
  // TreeSpec's index signature defeats `in` narrowing, hence the casts.
  const e = entry as Record<string, unknown>;
  if ('symlink' in e) {
    symlinkSync(e.symlink as Name, path);
  } else if ('hardlink' in e) {
    linkSync(join(root, e.hardlink as string), path);
  } else if ('file' in e) {
    writeFile(path, Buffer.from(e.file as string | Buffer));
  } else if ('generate' in e) {
    generateFile(path, e.generate as GenerateSpec);
  } else if ('fifo' in e) {
    // Node has no mkfifo(); the tool takes a string, so FIFO names must be UTF-8.
    execFileSync('mkfifo', [path.toString('utf8')], { stdio: 'ignore' });
  } else if ('entries' in e && Array.isArray(e.entries)) {
    mkdirSync(path);
    writeEntries(root, path, e.entries as [Name, Entry][]);
  } else {
    mkdirSync(path);
    writeEntries(root, path, Object.entries(entry as TreeSpec));
  }
  if (typeof e.mode === 'number' && ('file' in e || 'generate' in e || 'entries' in e)) chmodSync(path, e.mode);
}

function writeFile(path: Buffer, data: Buffer): void {
  const fd = openSync(path, 'wx');
  try {
    writeSync(fd, data);
  } finally {
    closeSync(fd);
  }
}

/** Writes a large file 1 MiB at a time so tests never hold it in memory. */
export function generateFile(path: Buffer | string, spec: GenerateSpec): void {
  const block = 1024 * 1024;
  const pool = Array.from({ length: 8 }, () => randomBytes(block));
  const text = Buffer.from(
    Array.from({ length: 60000 }, (_, i) => `${i},AAPL,${(150 + ((i * 7919) % 1000) / 100).toFixed(2)},BUY,${spec.seed}\n`).join(''),
  ).subarray(0, block);
  const fd = openSync(path, 'wx');
  try {
    for (let written = 0, i = 0; written < spec.size; i++) {
      const useText = spec.kind === 'text' || (spec.kind === 'mixed' && i % 2 === 1);
      const data = Buffer.from(useText ? text : (pool[(i * 5 + spec.seed) % pool.length] as Buffer));
      // Vary each block a little so blocks are not all identical.
      data.writeUInt32LE(i ^ spec.seed, (i * 4099) % (block - 4));
      const n = Math.min(block, spec.size - written);
      writeSync(fd, data, 0, n);
      written += n;
    }
  } finally {
    closeSync(fd);
  }
}

/** One entry of a described tree; paths are hex of the raw bytes relative to the root. */
export interface EntryFacts {
  type: 'file' | 'dir' | 'symlink' | 'fifo' | 'other';
  mode: number;
  size?: number;
  sha256?: string;
  linktarget?: string;
  mtimeMs?: number;
  ino: number;
}

/** Every entry below `root` keyed by the hex of its relative path bytes ('2f' separated). */
export function describeTree(root: string): Map<string, EntryFacts> {
  const out = new Map<string, EntryFacts>();
  const walk = (dir: Buffer, rel: Buffer): void => {
    for (const name of readdirSync(dir, { encoding: 'buffer' })) {
      const path = join(dir, name);
      const relPath = rel.length === 0 ? name : join(rel, name);
      const st = lstatSync(path);
      const facts: EntryFacts = { type: 'other', mode: st.mode & 0o7777, ino: st.ino };
      if (st.isFile()) {
        facts.type = 'file';
        facts.size = st.size;
        facts.sha256 = createHash('sha256').update(readFileSync(path)).digest('hex');
        facts.mtimeMs = Math.floor(st.mtimeMs);
      } else if (st.isDirectory()) {
        facts.type = 'dir';
        walk(path, relPath);
      } else if (st.isSymbolicLink()) {
        facts.type = 'symlink';
        facts.linktarget = readlinkSync(path, { encoding: 'buffer' }).toString('hex');
      } else if (st.isFIFO()) {
        facts.type = 'fifo';
      }
      out.set(relPath.toString('hex'), facts);
    }
  };
  walk(Buffer.from(root), Buffer.alloc(0));
  return out;
}

/** Human-readable form of a hex path from describeTree. */
export function hexPathText(hex: string): string {
  return JSON.stringify(Buffer.from(hex, 'hex').toString('latin1'));
}

/**
 * Differences between two described trees, ignoring inode numbers (restored
 * files have new ones) but checking that entries sharing an inode in `a`
 * share one in `b` (hard links). `ignore`: fields to skip, e.g. 'mtimeMs'.
 */
export function diffTrees(a: Map<string, EntryFacts>, b: Map<string, EntryFacts>, ignore: (keyof EntryFacts)[] = []): string[] {
  const diffs: string[] = [];
  for (const [path, fa] of a) {
    const fb = b.get(path);
    if (!fb) {
      diffs.push(`missing ${hexPathText(path)}`);
      continue;
    }
    for (const key of ['type', 'mode', 'size', 'sha256', 'linktarget', 'mtimeMs'] as const) {
      if (ignore.includes(key)) continue;
      if (fa[key] !== fb[key]) diffs.push(`${hexPathText(path)}: ${key} ${String(fa[key])} != ${String(fb[key])}`);
    }
  }
  for (const path of b.keys()) if (!a.has(path)) diffs.push(`extra ${hexPathText(path)}`);
  const groups = (m: Map<string, EntryFacts>): Map<number, string[]> => {
    const g = new Map<number, string[]>();
    for (const [path, f] of m) if (f.type === 'file') g.set(f.ino, [...(g.get(f.ino) ?? []), path]);
    return g;
  };
  const inB = new Map<string, number>();
  for (const [path, f] of b) inB.set(path, f.ino);
  for (const paths of groups(a).values()) {
    if (paths.length < 2) continue;
    const inodes = new Set(paths.map((p) => inB.get(p)));
    if (inodes.size !== 1) diffs.push(`hard links ${paths.map(hexPathText).join(', ')} no longer share an inode`);
  }
  return diffs;
}
