/**
 * Which packs a prune keeps, deletes and repacks: a pure decision on the
 * index, the pack listing and the set of blobs the snapshots still use.
 *
 * Partly used packs are repacked only while the unused bytes left in the
 * repository would exceed `maxUnusedPercent` of the repository after the
 * prune, most wasteful packs first (the same trade-off as restic's
 * `--max-unused 5%`: copying a pack to free a few bytes costs more than it
 * saves). A pack holding both tree and data blobs is always repacked, as
 * restic does, so trees and data end up in separate packs.
 *
 * Small packs are consolidated with restic 0.14's rule, so that its own
 * `prune --dry-run` finds nothing to do after ours: every snapshot and file
 * backup flushes its own small tail and tree packs, and a year of 15-minute
 * snapshots would otherwise leave tens of thousands of tiny files.
 *  - "small" is below 1/25 of the target pack size (655 KiB of 16 MiB; restic
 *    measures a fully used pack by its file size, a partly used one by its
 *    blob bytes);
 *  - fully used small packs are repacked together only when there are at
 *    least MIN_SMALL_PACKS of them: fewer are not worth the copying, and the
 *    one small tail a repack leaves per blob type must not be repacked again
 *    and again;
 *  - a partly used small pack, and a partly used tree pack of any size, is
 *    always repacked (the unused-space tolerance governs large data packs);
 *  - so is a tree pack holding an uncompressed tree: restic 0.14 wants every
 *    tree of a v2 repository compressed, and the repack compresses it.
 */
import { BackupError } from '../errors.ts';
import type { IndexPack } from '../repo/index-file.ts';
import type { PackEntry } from '../repo/pack.ts';
import type { BlobType, Id } from '../repo/types.ts';

export const DEFAULT_MAX_UNUSED_PERCENT = 5;
/** A pack below targetPackSize / SMALL_PACK_DIVISOR is small (restic 0.14's default). */
export const SMALL_PACK_DIVISOR = 25;
/** Fully used small packs are consolidated only when at least this many exist (restic 0.14's count). */
export const MIN_SMALL_PACKS = 10;

export type UsedBlobs = Record<BlobType, ReadonlySet<Id>>;

export interface RepackPack {
  id: Id;
  /** Stored size of the pack file. */
  size: number;
  /** The blobs to copy into new packs, in pack order. */
  used: PackEntry[];
}

export interface PrunePlan {
  /** Packs that stay, with every blob they hold (unused ones too: they are still in the file). */
  keep: IndexPack[];
  repack: RepackPack[];
  /** Indexed packs none of whose blobs a snapshot uses. */
  remove: { id: Id; size: number }[];
  /** Pack files no index names: left by an interrupted backup or prune. */
  orphans: { id: Id; size: number }[];
  /** Indexed packs that are not stored and hold nothing any snapshot uses: they just leave the index. */
  missingUnused: Id[];
  /** Blobs the snapshots use (each counted once). */
  blobsUsed: number;
  /** Blob entries that go (unused, or a spare copy of a used blob). */
  blobsRemoved: number;
  /** Blobs copied by the repack. */
  blobsRepacked: number;
  /** Of `repack`: fully used packs repacked only because they are small. */
  smallPacksRepacked: number;
  bytesUsed: number;
  /** Unused blob bytes left inside kept packs (tolerated by maxUnusedPercent). */
  unusedBytesKept: number;
}

export interface PlanInput {
  /** Pack id -> blobs, from every index file. */
  packs: ReadonlyMap<Id, readonly PackEntry[]>;
  /** Pack files present: name -> size. */
  stored: ReadonlyMap<Id, number>;
  used: UsedBlobs;
  maxUnusedPercent: number;
  /** The size the repack aims at: packs far below it count as small (0: none is small). */
  targetPackSize: number;
}

interface PackState {
  id: Id;
  size: number;
  entries: readonly PackEntry[];
  used: PackEntry[];
  usedBytes: number;
  unusedBytes: number;
}

const key = (type: BlobType, id: Id): string => `${type}:${id}`;

export function planPrune(input: PlanInput): PrunePlan {
  const { packs, stored, used, maxUnusedPercent } = input;
  const smallBelow = input.targetPackSize / SMALL_PACK_DIVISOR;
  if (!(maxUnusedPercent >= 0 && maxUnusedPercent <= 100)) {
    throw new BackupError('permanent', `max unused must be a percentage between 0 and 100, got ${maxUnusedPercent}`);
  }
  const plan: PrunePlan = {
    keep: [], repack: [], remove: [], orphans: [], missingUnused: [],
    blobsUsed: 0, blobsRemoved: 0, blobsRepacked: 0, smallPacksRepacked: 0, bytesUsed: 0, unusedBytesKept: 0,
  };

  // A used blob stored twice is kept once: the pack with the largest share of used
  // blobs claims it first, so fully used packs stay whole and spares become waste.
  const usedShare = (entries: readonly PackEntry[]): number =>
    entries.length === 0 ? 0 : entries.filter((e) => used[e.type].has(e.id)).length / entries.length;
  const present = [...packs].filter(([id]) => stored.has(id));
  present.sort(([a, ea], [b, eb]) => usedShare(eb) - usedShare(ea) || (a < b ? -1 : a > b ? 1 : 0));
  const claimed = new Set<string>();
  const states: PackState[] = present.map(([id, entries]) => {
    const state: PackState = { id, size: stored.get(id)!, entries, used: [], usedBytes: 0, unusedBytes: 0 };
    for (const e of entries) {
      const k = key(e.type, e.id);
      if (used[e.type].has(e.id) && !claimed.has(k)) {
        claimed.add(k);
        state.used.push(e);
        state.usedBytes += e.length;
      } else {
        state.unusedBytes += e.length;
      }
    }
    return state;
  });

  // Never plan on a view that lacks data a snapshot needs: that would delete its last copy elsewhere.
  for (const type of ['tree', 'data'] as const) {
    for (const id of used[type]) {
      if (claimed.has(key(type, id))) continue;
      const where = [...packs].find(([, entries]) => entries.some((e) => e.type === type && e.id === id))?.[0];
      throw new BackupError('permanent', where
        ? `refusing to prune: pack ${where.slice(0, 12)} holds ${type} blob ${id.slice(0, 12)} that a snapshot needs, but the pack file is missing; run \`check\` and repair the repository first`
        : `refusing to prune: ${type} blob ${id.slice(0, 12)} that a snapshot needs is in no index; run \`check\` and repair the repository first`);
    }
  }
  plan.blobsUsed = claimed.size;

  for (const [id] of packs) if (!stored.has(id)) plan.missingUnused.push(id);
  for (const [id, size] of stored) if (!packs.has(id)) plan.orphans.push({ id, size });

  const partly: PackState[] = [];
  const small: PackState[] = [];
  for (const s of states) {
    plan.bytesUsed += s.usedBytes;
    const types = new Set(s.entries.map((e) => e.type));
    if (s.used.length === 0) {
      plan.remove.push({ id: s.id, size: s.size });
      plan.blobsRemoved += s.entries.length;
    } else if (types.size > 1) {
      repack(plan, s);
    } else if (s.unusedBytes > 0) {
      // Trees are read by every restore and check: their packs never keep waste. Nor do small packs.
      if (types.has('tree') || s.usedBytes + s.unusedBytes < smallBelow) repack(plan, s);
      else partly.push(s);
    } else if (types.has('tree') && s.entries.some((e) => e.uncompressedLength === undefined)) {
      // restic repacks a v2 tree pack holding an uncompressed tree (the empty folder's tree does not
      // shrink, so the writer stores it plain) every time; the repack compresses it, once.
      repack(plan, s);
    } else if (s.size < smallBelow) {
      small.push(s);
    } else {
      plan.keep.push({ id: s.id, blobs: [...s.entries] });
    }
  }
  if (small.length >= MIN_SMALL_PACKS) {
    for (const s of small) repack(plan, s);
    plan.smallPacksRepacked = small.length;
  } else {
    for (const s of small) plan.keep.push({ id: s.id, blobs: [...s.entries] });
  }

  // Unused bytes tolerated after the prune: p% of the repository then, i.e. used * p / (100 - p).
  const tolerated = maxUnusedPercent >= 100 ? Number.POSITIVE_INFINITY : (plan.bytesUsed * maxUnusedPercent) / (100 - maxUnusedPercent);
  let unused = partly.reduce((n, s) => n + s.unusedBytes, 0);
  partly.sort((a, b) => b.unusedBytes / (b.unusedBytes + b.usedBytes) - a.unusedBytes / (a.unusedBytes + a.usedBytes) || (a.id < b.id ? -1 : 1));
  for (const s of partly) {
    if (unused > tolerated) {
      repack(plan, s);
      unused -= s.unusedBytes;
    } else {
      plan.keep.push({ id: s.id, blobs: [...s.entries] });
    }
  }
  plan.unusedBytesKept = unused;
  return plan;
}

function repack(plan: PrunePlan, s: PackState): void {
  plan.repack.push({ id: s.id, size: s.size, used: [...s.used].sort((a, b) => a.offset - b.offset) });
  plan.blobsRepacked += s.used.length;
  plan.blobsRemoved += s.entries.length - s.used.length;
}
