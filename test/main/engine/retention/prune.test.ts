/**
 * Prune on a real repository with restic as the oracle: after forgetting
 * snapshots (their files removed under the exclusive lock, as forget does),
 * prune deletes and repacks; `restic check --read-data` passes, every
 * remaining snapshot restores byte for byte through `restic restore`, and
 * restic's own prune finds nothing worth doing: nothing to delete and, once
 * ours has consolidated the small packs, nothing to repack either.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { LocalBackend } from '../../../../main/engine/backends/local-backend.ts';
import { isBackupError } from '../../../../main/engine/errors.ts';
import { Repository } from '../../../../main/engine/repo/repository.ts';
import type { Id } from '../../../../main/engine/repo/types.ts';
import { MIN_SMALL_PACKS } from '../../../../main/engine/retention/prune-plan.ts';
import { pruneRepository } from '../../../../main/engine/retention/prune.ts';
import { formatDate } from '../../../../main/engine/util/rfc3339.ts';
import { tempDir } from '../../../support/temp-dir.ts';
import { requireTool } from '../../../support/tools.ts';
import { FAST_KDF, PASSWORD, readDirectory, restic, resticOk, storeDirectory } from '../repo/fixtures.ts';
import { buildRepository, forgetSnapshots, listing, PACK_SIZE, type Fixture } from './prune-fixture.ts';

function assertRestoresByteForByte(fx: Fixture, ids: readonly Id[]): void {
  for (const id of ids) {
    const target = join(fx.dir, `restored-${id.slice(0, 8)}`);
    resticOk(fx.repoDir, ['restore', id, '--target', target]);
    // The snapshot's root tree is the folder's content itself.
    assert.deepEqual(readDirectory(Buffer.from(target)), fx.states.get(id), `snapshot ${id.slice(0, 8)} restores byte for byte`);
  }
}

test('prune after forget: restic check --read-data passes, the rest restores, restic prune finds nothing to do', { timeout: 120_000 }, async (t) => {
  if (!requireTool(t, 'restic')) return;
  const fx = await buildRepository(t);
  const forgotten = fx.ids.slice(0, 3);
  const remaining = fx.ids.slice(3);
  await forgetSnapshots(fx.repo, forgotten);
  const before = listing(fx.repoDir);

  // No unused bytes tolerated: the partly used packs (a rewritten file beside a kept one) get repacked.
  const dry = await pruneRepository(fx.repo, { dryRun: true, maxUnusedPercent: 0 });
  assert.deepEqual(listing(fx.repoDir), before, 'a dry run changes nothing');
  assert.equal(dry.snapshots, 2);
  assert.ok(dry.packsDeleted > 0, `the forgotten snapshots owned whole packs: ${JSON.stringify(dry)}`);
  assert.ok(dry.bytesFreed > 0);

  // restic's default target (16 MiB): its `prune --dry-run` below then judges small packs as ours does.
  const report = await pruneRepository(fx.repo, { maxUnusedPercent: 0 });
  t.diagnostic(JSON.stringify(report));
  assert.equal(report.packsDeleted, dry.packsDeleted, 'the dry run predicted the deletions');
  assert.equal(report.packsRepacked, dry.packsRepacked, 'the dry run predicted the repacks');
  assert.ok(report.packsRepacked > 0, 'rewritten files left partly used packs worth repacking');
  assert.ok(report.packsWritten > 0);
  assert.equal(report.unusedBytesKept, 0);
  const bytesOnDisk = readdirSync(join(fx.repoDir, 'data'), { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile()).length;
  assert.equal(bytesOnDisk, report.packsKept + report.packsWritten, 'only kept and new packs remain');

  resticOk(fx.repoDir, ['check', '--read-data']);
  const listed = JSON.parse(resticOk(fx.repoDir, ['snapshots', '--json'])) as { id: string }[];
  assert.deepEqual(listed.map((s) => s.id).sort(), [...remaining].sort());
  assertRestoresByteForByte(fx, remaining);

  // Ours agrees with itself: a second prune has nothing to do.
  const reopened = await Repository.open(new LocalBackend(fx.repoDir), PASSWORD);
  const again = await pruneRepository(reopened);
  assert.equal(again.packsDeleted + again.packsRepacked, 0, JSON.stringify(again));

  // restic's own prune (default --max-unused 5%, 16 MiB packs) finds nothing to remove and nothing to repack.
  assertResticPruneIdle(t, fx.repoDir);
});

/** restic 0.14's `prune --dry-run` wants to repack nothing and delete nothing. */
function assertResticPruneIdle(t: TestContext, repoDir: string): void {
  const plan = resticPrunePlan(repoDir);
  t.diagnostic(plan.text);
  assert.deepEqual([plan.repackBlobs, plan.repackBytes, plan.removeBlobs, plan.deleteBlobs, plan.deleteBytes], [0, '0 B', 0, 0, '0 B'], plan.text);
  assert.match(plan.text, /unused size after prune: 0 B/);
  assert.doesNotMatch(plan.text, /unreferenced/);
}

/** The figures of restic's `prune --dry-run` summary ("to repack: N blobs / S", "this removes: ...", "to delete: ..."). */
function resticPrunePlan(repoDir: string): { text: string; repackBlobs: number; repackBytes: string; removeBlobs: number; deleteBlobs: number; deleteBytes: string } {
  const text = resticOk(repoDir, ['prune', '--dry-run']);
  const line = (label: string): [number, string] => {
    const m = new RegExp(`^${label}:\\s+(\\d+) blobs / (.+)$`, 'm').exec(text);
    assert.ok(m, `restic prune --dry-run printed no "${label}" line:\n${text}`);
    return [Number(m[1]), m[2]!.trim()];
  };
  const [repackBlobs, repackBytes] = line('to repack');
  const [removeBlobs] = line('this removes');
  const [deleteBlobs, deleteBytes] = line('to delete');
  return { text, repackBlobs, repackBytes, removeBlobs, deleteBlobs, deleteBytes };
}

test('prune consolidates small packs: restic prune --dry-run wants to repack them before, nothing after; every snapshot restores', { timeout: 120_000 }, async (t) => {
  if (!requireTool(t, 'restic')) return;
  const dir = tempDir(t);
  const src = join(dir, 'src');
  // An empty folder: its tree does not shrink under zstd, so the writer stores it uncompressed (restic would repack it).
  mkdirSync(join(src, 'empty'), { recursive: true });
  const repoDir = join(dir, 'repo');
  // Restic's default 16 MiB packs: each snapshot flushes one small data pack and one small tree pack, as ours do.
  const repo = await Repository.init(new LocalBackend(repoDir), PASSWORD, { kdf: FAST_KDF });
  const states = new Map<Id, ReturnType<typeof readDirectory>>();
  for (let i = 0; i < 8; i++) {
    writeFileSync(join(src, `tick-${i}.bin`), randomBytes(24 * 1024));
    writeFileSync(join(src, 'positions.csv'), `round ${i}\n`.repeat(200 + i));
    const tree = await storeDirectory(repo, src, 16 * 1024);
    const id = await repo.saveSnapshot({ time: formatDate(new Date(Date.UTC(2026, 0, 1, i))), tree, paths: [src], hostname: hostname(), username: 'tester', uid: 0, gid: 0 });
    states.set(id, readDirectory(Buffer.from(src)));
  }
  const packsBefore = listing(repoDir).filter((f) => f.startsWith('/data/')).length;
  assert.ok(packsBefore >= 2 * MIN_SMALL_PACKS - 4, `a data and a tree pack per snapshot: ${packsBefore}`);
  const before = resticPrunePlan(repoDir);
  assert.ok(before.repackBlobs > 0, `restic itself would repack these small packs:\n${before.text}`);
  assert.equal(before.deleteBlobs, 0, before.text);

  const report = await pruneRepository(repo);
  t.diagnostic(JSON.stringify(report));
  assert.equal(report.packsDeleted, 0, 'nothing is unused');
  assert.equal(report.blobsRemoved, 0);
  assert.equal(report.packsRepacked, packsBefore, 'every pack was small');
  // The first tree pack holds the uncompressed empty tree: repacked for that, not counted as small.
  assert.equal(report.smallPacksRepacked, packsBefore - 1, 'every other small pack went into the consolidation');
  assert.equal(report.packsWritten, 2, 'one new data pack and one new tree pack');
  const packsAfter = listing(repoDir).filter((f) => f.startsWith('/data/'));
  assert.equal(packsAfter.length, 2);
  // Data and trees stay apart: each new pack holds one blob type (restic check would flag a mixed pack too).
  const reopened = await Repository.open(new LocalBackend(repoDir), PASSWORD);
  for (const [packId, blobs] of reopened.masterIndex.packEntries()) {
    assert.equal(new Set(blobs.map((b) => b.type)).size, 1, `pack ${packId.slice(0, 8)} holds one blob type`);
    for (const b of blobs) if (b.type === 'tree') assert.notEqual(b.uncompressedLength, undefined, `tree ${b.id.slice(0, 8)} is stored compressed now`);
  }

  assertResticPruneIdle(t, repoDir);
  resticOk(repoDir, ['check', '--read-data']);
  for (const [id, state] of states) {
    const target = join(dir, `restored-${id.slice(0, 8)}`);
    resticOk(repoDir, ['restore', id, '--target', target]);
    assert.deepEqual(readDirectory(Buffer.from(target)), state, `snapshot ${id.slice(0, 8)} restores byte for byte`);
  }
  // The tail a consolidation leaves is not consolidated again.
  const again = await pruneRepository(reopened);
  assert.equal(again.packsRepacked + again.packsDeleted, 0, JSON.stringify(again));
});

test('prune refuses, deleting nothing, when a snapshot tree cannot be loaded', { timeout: 60_000 }, async (t) => {
  const fx = await buildRepository(t);
  await forgetSnapshots(fx.repo, fx.ids.slice(0, 2));
  // Lose the pack holding the root tree of the newest snapshot.
  const newest = await fx.repo.loadSnapshot(fx.ids.at(-1)!);
  const where = fx.repo.masterIndex.lookup('tree', newest.tree)[0]!;
  await fx.repo.backend.remove({ type: 'data', name: where.packId });
  const before = listing(fx.repoDir);
  const reopened = await Repository.open(new LocalBackend(fx.repoDir), PASSWORD);
  await assert.rejects(pruneRepository(reopened, { packSize: PACK_SIZE }), (err: unknown) => {
    assert.ok(isBackupError(err));
    assert.match(err.message, /refusing to prune/);
    assert.match(err.message, new RegExp(fx.ids.at(-1)!.slice(0, 8)), 'names the snapshot');
    return true;
  });
  assert.deepEqual(listing(fx.repoDir), before, 'nothing was deleted');
  assert.deepEqual(readdirSync(join(fx.repoDir, 'locks')), [], 'the exclusive lock was released');
});

test('prune with every snapshot forgotten empties the repository and restic still reads it', { timeout: 60_000 }, async (t) => {
  if (!requireTool(t, 'restic')) return;
  const fx = await buildRepository(t);
  await forgetSnapshots(fx.repo, fx.ids);
  const report = await pruneRepository(fx.repo, { packSize: PACK_SIZE });
  assert.equal(report.packsKept + report.packsWritten, 0);
  assert.equal(report.bytesAfter, 0);
  assert.deepEqual(listing(fx.repoDir), []);
  const check = restic(fx.repoDir, ['check']);
  assert.equal(check.status, 0, check.stdout + check.stderr);
});
