/**
 * Lists one folder for the archiver: raw-byte names, bigint lstat (for
 * nanosecond times and inodes), excludes applied, entries sorted by name
 * bytes as restic's trees require. Entries that vanish or cannot be read are
 * reported as warnings and left out instead of failing the backup.
 */
import type { BigIntStats } from 'node:fs';
import type { ExcludeMatcher } from './excludes.ts';
import type { FileSource } from './file-source.ts';
import { errorMessage, pathText, warningKindOf, type FileWarning } from './warnings.ts';

export interface WalkEntry {
  name: Buffer;
  path: Buffer;
  /** Path relative to the source folder, for anchored excludes. */
  relPath: string;
  stat: BigIntStats;
}

export interface WalkContext {
  fs: FileSource;
  excludes: ExcludeMatcher;
  warn(warning: FileWarning): void;
}

const SLASH = Buffer.from('/');

export function joinPath(dir: Buffer, name: Buffer): Buffer {
  return dir.length === 1 && dir[0] === 0x2f ? Buffer.concat([SLASH, name]) : Buffer.concat([dir, SLASH, name]);
}

/**
 * The kept entries of `dir`, sorted; undefined when `dir` itself cannot be
 * listed (already reported).
 */
export async function listDirectory(ctx: WalkContext, dir: Buffer, relDir: string): Promise<WalkEntry[] | undefined> {
  let names: Buffer[];
  try {
    names = await ctx.fs.readdir(dir);
  } catch (err) {
    if (!report(ctx, dir, err)) throw err;
    return undefined;
  }
  names.sort(Buffer.compare);
  const entries: WalkEntry[] = [];
  for (const name of names) {
    const path = joinPath(dir, name);
    let stat: BigIntStats;
    try {
      stat = await ctx.fs.lstat(path);
    } catch (err) {
      if (!report(ctx, path, err)) throw err;
      continue;
    }
    const text = name.toString('utf8');
    const relPath = relDir === '' ? text : `${relDir}/${text}`;
    const excluded = ctx.excludes.match({ name: text, relPath, absPath: pathText(path), isDir: stat.isDirectory() });
    if (excluded === undefined) entries.push({ name, path, relPath, stat });
  }
  return entries;
}

/** Reports a per-entry file-system error; false when the error is not one to survive. */
export function report(ctx: WalkContext, path: Buffer, err: unknown): boolean {
  const kind = warningKindOf(err);
  if (kind === undefined) return false;
  ctx.warn({ path: pathText(path), kind, message: errorMessage(err) });
  return true;
}
