/**
 * Deletions reaching a mirror (a plain folder, as on an offsite drive): only
 * after the mirror has the local repository's new index, in the order
 * snapshots, index, packs, never an object under retention, and the mirror
 * stays readable by restic throughout.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import type { FileHandle, FileInfo, FileType } from '../../../../main/engine/backends/backend.ts';
import { LocalBackend } from '../../../../main/engine/backends/local-backend.ts';
import { BackendMirrorTarget } from '../../../../main/engine/cloud/backend-mirror-target.ts';
import { mirrorRepository } from '../../../../main/engine/cloud/mirror.ts';
import type { MirrorTarget, PutOptions } from '../../../../main/engine/cloud/mirror-target.ts';
import { isBackupError } from '../../../../main/engine/errors.ts';
import { pruneMirror } from '../../../../main/engine/retention/mirror-prune.ts';
import { pruneRepository } from '../../../../main/engine/retention/prune.ts';
import { requireTool } from '../../../support/tools.ts';
import { resticOk } from '../repo/fixtures.ts';
import { buildRepository, forgetSnapshots, listing, PACK_SIZE, type Fixture } from './prune-fixture.ts';

const NOW = new Date('2026-11-27T12:00:00Z');

/** A folder target that records removals and answers retention from a table (what s3rver cannot do). */
class RecordingTarget implements MirrorTarget {
  readonly removed: FileType[] = [];
  readonly retained = new Map<string, Date>();
  private readonly inner: BackendMirrorTarget;
  constructor(backend: LocalBackend) {
    this.inner = new BackendMirrorTarget(backend);
  }
  location(): string {
    return this.inner.location();
  }
  list(type: FileType): Promise<FileInfo[]> {
    return this.inner.list(type);
  }
  put(handle: FileHandle, data: Uint8Array, options: PutOptions): Promise<void> {
    return this.inner.put(handle, data, options);
  }
  async remove(handle: FileHandle): Promise<void> {
    this.removed.push(handle.type);
    await this.inner.remove(handle);
  }
  async retainedUntil(handle: FileHandle): Promise<Date | null> {
    return this.retained.get(handle.name) ?? null;
  }
  close(): Promise<void> {
    return this.inner.close();
  }
}

async function mirrored(t: Parameters<typeof buildRepository>[0]): Promise<{ fx: Fixture; mirrorDir: string; target: RecordingTarget }> {
  const fx = await buildRepository(t);
  const mirrorDir = join(fx.dir, 'mirror');
  const backend = new LocalBackend(mirrorDir);
  await backend.create();
  const target = new RecordingTarget(backend);
  await sync(fx, target);
  return { fx, mirrorDir, target };
}

async function sync(fx: Fixture, target: RecordingTarget): Promise<void> {
  await mirrorRepository({ source: fx.repo.backend, target, host: 'test-host', backupTime: NOW });
}

test('after prune and a sync, the mirror loses exactly what the local repository lost, snapshots first, and restic reads it', { timeout: 120_000 }, async (t) => {
  if (!requireTool(t, 'restic')) return;
  const { fx, mirrorDir, target } = await mirrored(t);
  const remaining = fx.ids.slice(3);
  await forgetSnapshots(fx.repo, fx.ids.slice(0, 3));
  await pruneRepository(fx.repo, { packSize: PACK_SIZE, maxUnusedPercent: 0 });
  const before = listing(mirrorDir);

  // Before the sync the mirror lacks the new index: deleting its old ones would orphan its snapshots.
  const early = await pruneMirror(fx.repo.backend, target, { now: NOW });
  assert.match(early.deferred ?? '', /lacks 1 index file/);
  assert.equal(early.deleted, 0);
  assert.deepEqual(listing(mirrorDir), before);

  await sync(fx, target);
  const dry = await pruneMirror(fx.repo.backend, target, { now: NOW, dryRun: true });
  assert.ok(dry.deleted > 0 && dry.deletedByType.snapshot === 3 && dry.deletedByType.index! > 0 && dry.deletedByType.data! > 0, JSON.stringify(dry));
  assert.deepEqual(target.removed, [], 'a dry run removes nothing');

  const report = await pruneMirror(fx.repo.backend, target, { now: NOW });
  assert.equal(report.deleted, dry.deleted);
  assert.equal(report.deferred, null);
  assert.deepEqual(listing(mirrorDir), listing(fx.repoDir), 'the mirror holds what the local repository holds');
  const order = ['snapshot', 'index', 'data'];
  assert.deepEqual([...target.removed].sort((a, b) => order.indexOf(a) - order.indexOf(b)), target.removed, 'snapshots, then index, then packs');
  resticOk(mirrorDir, ['check', '--read-data']);
  const listed = JSON.parse(resticOk(mirrorDir, ['snapshots', '--json'])) as { id: string }[];
  assert.deepEqual(listed.map((s) => s.id).sort(), [...remaining].sort());

  const again = await pruneMirror(fx.repo.backend, target, { now: NOW });
  assert.equal(again.deleted, 0, 'nothing left to delete');
});

test('an object under retention is never deleted; a retained snapshot keeps every index and pack until it may go', { timeout: 120_000 }, async (t) => {
  if (!requireTool(t, 'restic')) return;
  const { fx, mirrorDir, target } = await mirrored(t);
  await forgetSnapshots(fx.repo, fx.ids.slice(0, 3));
  await pruneRepository(fx.repo, { packSize: PACK_SIZE, maxUnusedPercent: 0 });
  await sync(fx, target);
  const until = new Date('2033-01-01T00:00:00Z');
  target.retained.set(fx.ids[1]!, until);

  const report = await pruneMirror(fx.repo.backend, target, { now: NOW });
  assert.deepEqual(report.retained, [{ type: 'snapshot', name: fx.ids[1], until: until.toISOString() }]);
  assert.deepEqual(report.deletedByType, { snapshot: 2 });
  assert.ok(report.heldBack > 0, 'old index files and packs wait for the retained snapshot');
  assert.ok(!target.removed.includes('index') && !target.removed.includes('data'));
  // The retained snapshot still reads back in full from the mirror.
  resticOk(mirrorDir, ['check', '--read-data']);
  const listed = JSON.parse(resticOk(mirrorDir, ['snapshots', '--json'])) as { id: string }[];
  assert.ok(listed.some((s) => s.id === fx.ids[1]));

  // Once the date has passed, the rest goes.
  const later = await pruneMirror(fx.repo.backend, target, { now: new Date('2033-01-02T00:00:00Z') });
  assert.equal(later.retained.length, 0);
  assert.deepEqual(listing(mirrorDir), listing(fx.repoDir));
  resticOk(mirrorDir, ['check']);
});

test('a retained pack stays while its index goes, and the mirror stays readable', { timeout: 120_000 }, async (t) => {
  if (!requireTool(t, 'restic')) return;
  const { fx, mirrorDir, target } = await mirrored(t);
  await forgetSnapshots(fx.repo, fx.ids.slice(0, 3));
  const pruned = await pruneRepository(fx.repo, { packSize: PACK_SIZE, maxUnusedPercent: 0 });
  assert.ok(pruned.packsDeleted > 0);
  await sync(fx, target);
  const localPacks = new Set((await fx.repo.backend.list('data')).map((f) => f.name));
  const doomed = (await target.list('data')).find((f) => !localPacks.has(f.name))!;
  target.retained.set(doomed.name, new Date('2030-01-01T00:00:00Z'));
  const report = await pruneMirror(fx.repo.backend, target, { now: NOW });
  assert.deepEqual(report.retained.map((r) => r.name), [doomed.name]);
  assert.equal(report.heldBack, 0);
  assert.ok(listing(mirrorDir).some((p) => p.endsWith(doomed.name)));
  resticOk(mirrorDir, ['check', '--read-data']);
});

test('a mirror holding another repository\'s key is refused, and nothing is deleted', { timeout: 60_000 }, async (t) => {
  const { fx, mirrorDir, target } = await mirrored(t);
  await forgetSnapshots(fx.repo, fx.ids.slice(0, 2));
  await target.put({ type: 'key', name: 'ab'.repeat(32) }, Buffer.from('{}'), { metadata: {} });
  const before = listing(mirrorDir);
  await assert.rejects(pruneMirror(fx.repo.backend, target, { now: NOW }), (err: unknown) => {
    assert.ok(isBackupError(err));
    assert.match(err.message, /refusing to delete from .*another repository/);
    return true;
  });
  assert.deepEqual(listing(mirrorDir), before);
  assert.deepEqual(target.removed, []);
});
