import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isBackupError } from '../../../../main/engine/errors.ts';
import type { PackEntry } from '../../../../main/engine/repo/pack.ts';
import type { BlobType, Id } from '../../../../main/engine/repo/types.ts';
import { planPrune, type UsedBlobs } from '../../../../main/engine/retention/prune-plan.ts';

const id = (n: number): Id => n.toString(16).padStart(64, '0');
const packId = (name: string): Id => Buffer.from(name).toString('hex').padEnd(64, '0');

/** A pack described as data: [blob number, type, length, 'plain' when stored uncompressed] in order. */
function pack(blobs: ([number, BlobType, number] | [number, BlobType, number, 'plain'])[]): PackEntry[] {
  let offset = 0;
  return blobs.map(([n, type, length, plain]) => {
    const e: PackEntry = { id: id(n), type, offset, length };
    if (plain === undefined) e.uncompressedLength = 2 * length;
    offset += length;
    return e;
  });
}

/** targetPackSize 0: no pack counts as small, so only the unused-space rules act. */
function input(packs: Record<string, PackEntry[]>, usedData: number[], usedTrees: number[] = [], maxUnusedPercent = 5, targetPackSize = 0) {
  const map = new Map(Object.entries(packs).map(([k, v]) => [packId(k), v]));
  const stored = new Map([...map].map(([k, v]) => [k, v.reduce((n, e) => n + e.length, 0) + 100]));
  const used: UsedBlobs = { data: new Set(usedData.map(id)), tree: new Set(usedTrees.map(id)) };
  return { packs: map, stored, used, maxUnusedPercent, targetPackSize };
}

/** `count` fully used single-blob packs of `type`, blob numbers from `first`, each `length` bytes. */
function singles(prefix: string, count: number, type: BlobType, first: number, length: number): Record<string, PackEntry[]> {
  return Object.fromEntries(Array.from({ length: count }, (_, i) => [`${prefix}${i}`, pack([[first + i, type, length]])]));
}
const range = (first: number, count: number): number[] => Array.from({ length: count }, (_, i) => first + i);

test('fully used packs stay, unused ones go, orphans and missing unused packs are reported', () => {
  const i = input({ full: pack([[1, 'data', 1000], [2, 'data', 1000]]), dead: pack([[3, 'data', 1000]]), gone: pack([[4, 'data', 10]]) }, [1, 2]);
  i.stored.delete(packId('gone'));
  i.stored.set(packId('orphan'), 555);
  const plan = planPrune(i);
  assert.deepEqual(plan.keep.map((p) => p.id), [packId('full')]);
  assert.deepEqual(plan.remove.map((p) => p.id), [packId('dead')]);
  assert.deepEqual(plan.orphans, [{ id: packId('orphan'), size: 555 }]);
  assert.deepEqual(plan.missingUnused, [packId('gone')]);
  assert.equal(plan.blobsUsed, 2);
  assert.equal(plan.blobsRemoved, 1);
});

test('partly used packs are repacked, most wasteful first, until the unused share is within the limit', () => {
  // 10000 used bytes in total; 5% tolerates 10000*5/95 = 526 unused bytes.
  const packs = {
    a: pack([[1, 'data', 4000], [2, 'data', 400]]), // 9% unused
    b: pack([[3, 'data', 3000], [4, 'data', 300]]), // 9% unused
    c: pack([[5, 'data', 3000], [6, 'data', 3000]]), // 50% unused
  };
  const plan = planPrune(input(packs, [1, 3, 5]));
  // c goes first (3000 unused), then one of a/b is still too much (700 > 526): a (400) stays, b... sorted by share, tie by id.
  assert.deepEqual(plan.repack.map((p) => p.id).sort(), [packId('a'), packId('c')].sort());
  assert.deepEqual(plan.keep.map((p) => p.id), [packId('b')]);
  assert.equal(plan.unusedBytesKept, 300);
  assert.deepEqual(plan.repack.find((p) => p.id === packId('c'))!.used.map((e) => e.id), [id(5)]);

  const tolerant = planPrune(input(packs, [1, 3, 5], [], 50));
  assert.equal(tolerant.repack.length, 0, '3700 unused of 10000 used is within 50%');
  const strict = planPrune(input(packs, [1, 3, 5], [], 0));
  assert.equal(strict.repack.length, 3);
});

test('a used blob stored twice is kept once, in the pack that is otherwise fully used', () => {
  const plan = planPrune(input({ whole: pack([[1, 'data', 100], [2, 'data', 100]]), spare: pack([[2, 'data', 100], [9, 'data', 100]]) }, [1, 2], [], 0));
  assert.deepEqual(plan.keep.map((p) => p.id), [packId('whole')]);
  assert.deepEqual(plan.remove.map((p) => p.id), [packId('spare')]);
  assert.equal(plan.blobsUsed, 2);
});

test('a pack mixing trees and data is always repacked', () => {
  const plan = planPrune(input({ mixed: pack([[1, 'data', 100], [2, 'tree', 100]]) }, [1], [2], 100));
  assert.deepEqual(plan.repack.map((p) => p.id), [packId('mixed')]);
});

// Target 25 000 bytes: packs below 1000 bytes are small (the stored sizes here are the blob bytes + 100).
const TARGET = 25_000;

test('ten or more fully used small packs are consolidated, data and trees alike; nine are left alone', () => {
  const packs = { ...singles('d', 7, 'data', 100, 800), ...singles('t', 3, 'tree', 200, 300), big: pack([[1, 'data', 5000]]) };
  const used = [range(100, 7), range(200, 3)] as const;
  const plan = planPrune(input(packs, [1, ...used[0]], used[1], 5, TARGET));
  assert.equal(plan.repack.length, 10, 'seven data and three tree packs, all small');
  assert.equal(plan.smallPacksRepacked, 10);
  assert.deepEqual(plan.keep.map((p) => p.id), [packId('big')], 'a pack at or above 1/25 of the target stays');
  assert.equal(plan.blobsRepacked, 10);
  assert.equal(plan.blobsRemoved, 0, 'consolidation removes nothing');

  const nine = { ...singles('d', 6, 'data', 100, 800), ...singles('t', 3, 'tree', 200, 300) };
  const few = planPrune(input(nine, range(100, 6), range(200, 3), 5, TARGET));
  assert.equal(few.repack.length, 0, 'nine small packs are not worth a repack (and a repack tail is not repacked forever)');
  assert.equal(few.smallPacksRepacked, 0);
  assert.equal(few.keep.length, 9);

  // The boundary is the stored size: 900 + 100 = 1000 bytes is not small.
  const atLimit = planPrune(input(singles('d', 12, 'data', 100, 900), range(100, 12), [], 5, TARGET));
  assert.equal(atLimit.repack.length, 0);
});

test('a partly used tree pack, or a partly used small pack, is repacked whatever unused space is tolerated', () => {
  const packs = {
    trees: pack([[1, 'tree', 5000], [2, 'tree', 100]]), // large, 2% unused
    smallData: pack([[3, 'data', 500], [4, 'data', 100]]), // small, partly used
    bigData: pack([[5, 'data', 5000], [6, 'data', 100]]), // large, 2% unused: tolerated
  };
  const plan = planPrune(input(packs, [3, 5], [1], 50, TARGET));
  assert.deepEqual(plan.repack.map((p) => p.id).sort(), [packId('trees'), packId('smallData')].sort());
  assert.deepEqual(plan.keep.map((p) => p.id), [packId('bigData')]);
  assert.equal(plan.smallPacksRepacked, 0, 'these are repacked for their unused blobs, not for their size');
});

test('a fully used tree pack holding an uncompressed tree is repacked (restic wants v2 trees compressed); plain data is fine', () => {
  const packs = {
    plainTree: pack([[1, 'tree', 5000], [2, 'tree', 40, 'plain']]),
    zippedTree: pack([[3, 'tree', 5000]]),
    plainData: pack([[4, 'data', 5000, 'plain']]),
  };
  const plan = planPrune(input(packs, [4], [1, 2, 3], 5, TARGET));
  assert.deepEqual(plan.repack.map((p) => p.id), [packId('plainTree')]);
  assert.deepEqual(plan.keep.map((p) => p.id).sort(), [packId('zippedTree'), packId('plainData')].sort());
});

test('refuses when a blob a snapshot needs is only in a missing pack, or in no index', () => {
  const i = input({ lost: pack([[1, 'tree', 100]]) }, [], [1]);
  i.stored.delete(packId('lost'));
  assert.throws(() => planPrune(i), (err: unknown) => isBackupError(err) && /refusing to prune: pack 6c6f7374.*missing/.test(err.message));
  assert.throws(() => planPrune(input({}, [7])), (err: unknown) => isBackupError(err) && /data blob 000000000000 .*in no index/.test(err.message));
  assert.throws(() => planPrune(input({}, [], [], 120)), /between 0 and 100/);
});
