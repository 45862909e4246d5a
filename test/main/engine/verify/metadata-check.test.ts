import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import type { Backend, FileHandle } from '../../../../main/engine/backends/backend.ts';
import { LocalBackend } from '../../../../main/engine/backends/local-backend.ts';
import { Catalog } from '../../../../main/engine/catalog/catalog.ts';
import { VerificationStore } from '../../../../main/engine/catalog/verification-store.ts';
import { BackupError } from '../../../../main/engine/errors.ts';
import { silentLogger } from '../../../../main/engine/logger.ts';
import { Repository } from '../../../../main/engine/repo/repository.ts';
import { encodeSnapshot } from '../../../../main/engine/repo/snapshot-codec.ts';
import type { Id, TreeNode } from '../../../../main/engine/repo/types.ts';
import { formatDate } from '../../../../main/engine/util/rfc3339.ts';
import { checkSnapshotMetadata } from '../../../../main/engine/verify/metadata-check.ts';
import { verifyNewSnapshot } from '../../../../main/engine/verify/post-snapshot-check.ts';
import { tempDir } from '../../../support/temp-dir.ts';
import { createTradingDb } from '../../../support/trading-db.ts';
import { engineFixture, FAST_KDF, PASSWORD, writeTree } from './engine-fixture.ts';

const NOW = formatDate(new Date('2026-01-05T03:00:00Z'));
const base = { mode: 0o644, mtime: NOW, atime: NOW, ctime: NOW, uid: 0, gid: 0 };
const file = (name: string, content: Id[], size: number): TreeNode => ({ name: Buffer.from(name), type: 'file', ...base, content, size });
const dir = (name: string, subtree: Id): TreeNode => ({ name: Buffer.from(name), type: 'dir', ...base, mode: 0o755 | 2 ** 31, subtree });
const snapshotOf = (tree: Id) => ({ time: NOW, tree, paths: ['/d'], hostname: 'h', username: 'u', uid: 0, gid: 0 });
const ghost = (): Id => randomBytes(32).toString('hex');

/** Counts which pack files are read, to prove the check reads no file data. */
class CountingBackend extends LocalBackend {
  readonly packLoads = new Set<string>();

  override load(handle: FileHandle, offset?: number, length?: number): Promise<Buffer> {
    if (handle.type === 'data') this.packLoads.add(handle.name);
    return super.load(handle, offset, length);
  }
}

async function repoWith(t: TestContext): Promise<{ repo: Repository; backend: CountingBackend }> {
  const backend = new CountingBackend(join(tempDir(t), 'repo'));
  const repo = await Repository.init(backend as Backend, PASSWORD, { kdf: FAST_KDF, packSize: 2048 });
  return { repo, backend };
}

test('an intact snapshot passes, and the check reads tree packs only', async (t) => {
  const { repo, backend } = await repoWith(t);
  const blobs = await Promise.all([randomBytes(3000), randomBytes(3000), randomBytes(10)].map((b) => repo.saveBlob('data', b)));
  const sub = await repo.saveTree({ nodes: [file('b.bin', [blobs[1]!.id, blobs[2]!.id], 3010)] });
  const root = await repo.saveTree({ nodes: [file('a.bin', [blobs[0]!.id], 3000), dir('sub', sub.id)] });
  const id = await repo.saveSnapshot(snapshotOf(root.id));
  backend.packLoads.clear();

  const report = await checkSnapshotMetadata(repo, id);
  assert.equal(report.ok, true, JSON.stringify(report.problems));
  assert.equal(report.trees, 2);
  assert.equal(report.dataBlobs, 3);
  assert.ok(backend.packLoads.size > 0, 'trees were loaded');
  const packs = repo.masterIndex.packEntries();
  for (const pack of backend.packLoads) {
    assert.ok(packs.get(pack)!.every((e) => e.type === 'tree'), `pack ${pack.slice(0, 8)} holds file data but was read`);
  }
});

test('a snapshot whose tree blob is missing from the index fails, naming the tree', async (t) => {
  const { repo } = await repoWith(t);
  const missingRoot = ghost();
  // saveSnapshot refuses a tree it does not have: write the snapshot file directly, as a buggy writer would.
  const id = await repo.saveUnpacked('snapshot', encodeSnapshot(snapshotOf(missingRoot)));
  const report = await checkSnapshotMetadata(repo, id);
  assert.equal(report.ok, false);
  assert.equal(report.problems.length, 1);
  assert.equal(report.problems[0]!.tree, missingRoot);
  assert.match(report.problems[0]!.message, new RegExp(`tree ${missingRoot.slice(0, 8)} \\(/\\) is not in the index`));

  const missingSub = ghost();
  const root = await repo.saveTree({ nodes: [dir('reports', missingSub)] });
  const second = await repo.saveSnapshot(snapshotOf(root.id));
  const r2 = await checkSnapshotMetadata(repo, second);
  assert.equal(r2.ok, false);
  assert.match(r2.problems[0]!.message, new RegExp(`tree ${missingSub.slice(0, 8)} \\(/reports\\) is not in the index`));
});

test('a data blob missing from the index fails, naming the file', async (t) => {
  const { repo } = await repoWith(t);
  const present = await repo.saveBlob('data', randomBytes(100));
  const missing = ghost();
  const root = await repo.saveTree({ nodes: [file('trades.csv', [present.id, missing], 200)] });
  const id = await repo.saveSnapshot(snapshotOf(root.id));
  const report = await checkSnapshotMetadata(repo, id);
  assert.equal(report.ok, false);
  assert.deepEqual(report.problems.map((p) => p.blob), [missing]);
  assert.match(report.problems[0]!.message, /data blob .* of "\/trades\.csv" is not in the index/);
});

test('verifyNewSnapshot records the result and fails the job on a broken snapshot', async (t) => {
  const { repo } = await repoWith(t);
  const catalog = Catalog.open(join(tempDir(t), 'catalog.db'));
  t.after(() => catalog.close());
  const ctx = { catalog, clock: { now: () => new Date('2026-01-05T03:00:00Z') }, logger: silentLogger };
  const blob = await repo.saveBlob('data', randomBytes(50));
  const good = await repo.saveSnapshot(snapshotOf((await repo.saveTree({ nodes: [file('x', [blob.id], 50)] })).id));
  const bad = await repo.saveUnpacked('snapshot', encodeSnapshot(snapshotOf(ghost())));

  assert.equal((await verifyNewSnapshot(ctx, repo, good)).ok, true);
  await assert.rejects(verifyNewSnapshot(ctx, repo, bad), (err: unknown) => {
    assert.ok(err instanceof BackupError);
    assert.match(err.message, new RegExp(`snapshot ${bad.slice(0, 8)} failed its metadata check: tree .* is not in the index; it does not count as a backup`));
    return true;
  });
  const rows = new VerificationStore(catalog).recent(10, { level: 'metadata' });
  assert.deepEqual(rows.map((r) => [r.snapshotId, r.ok, r.destination]), [[bad, false, 'local'], [good, true, 'local']]);
  const report = rows[0]!.report as { errors: { message: string }[] };
  assert.match(report.errors[0]!.message, /is not in the index/);
});

test('the database snapshot and file backup jobs run the metadata check on every snapshot', async (t) => {
  const work = tempDir(t);
  const dbPath = join(work, 'trading.db');
  createTradingDb(dbPath, { accounts: 3, trades: 300 });
  writeTree(join(work, 'files'), { 'notes.md': '# notes\n', 'data/prices.csv': 'a,b\n1,2\n' });
  const { engine } = await engineFixture(t, { dbPath, files: [join(work, 'files')] });
  const db = await engine.snapshotDatabase();
  const files = await engine.backupFiles();
  const rows = new VerificationStore(engine.catalog).recent(10, { level: 'metadata' });
  assert.deepEqual(rows.map((r) => [r.snapshotId, r.ok]), [[files.snapshotId, true], [db.snapshotId, true]]);
  assert.ok((rows[1]!.report as { trees: number }).trees >= 3, 'the database snapshot has a root, segments folder and segment trees');
});
