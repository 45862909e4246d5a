/**
 * The flush finds where the repository stands from the catalog's batch
 * records (no listing of a folder that grows by a file per run), still finds
 * a batch a kill -9 saved but never recorded, and never silently rewrites a
 * batch that was deleted.
 */
import assert from 'node:assert/strict';
import { unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { Backend, FileType } from '../../../../main/engine/backends/backend.ts';
import { LocalBackend } from '../../../../main/engine/backends/local-backend.ts';
import { Catalog } from '../../../../main/engine/catalog/catalog.ts';
import { appendOperation } from '../../../../main/engine/compliance/oplog.ts';
import { saveBatch, type OplogTarget } from '../../../../main/engine/compliance/oplog-batch.ts';
import { flushOplog } from '../../../../main/engine/compliance/oplog-flush.ts';
import { OplogStore } from '../../../../main/engine/compliance/oplog-store.ts';
import { verifyOplog } from '../../../../main/engine/compliance/oplog-verify.ts';
import { Repository } from '../../../../main/engine/repo/repository.ts';
import { tempDir } from '../../../support/temp-dir.ts';

const KDF = { kdf: { N: 1024, r: 8, p: 1 } };

/** The repository as a log target whose backend counts listings of the log folder. */
function counting(repo: Repository): { target: OplogTarget; lists: () => number } {
  let lists = 0;
  const backend = new Proxy(repo.backend, {
    get(inner, prop, receiver) {
      if (prop === 'list') return (type: FileType) => { if (type === 'oplog') lists++; return inner.list(type); };
      const value: unknown = Reflect.get(inner, prop, receiver);
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(inner) : value;
    },
  }) as Backend;
  return { target: { backend, masterKey: repo.masterKey, id: repo.id }, lists: () => lists };
}

async function setup(t: import('node:test').TestContext) {
  const dir = tempDir(t);
  const repoPath = join(dir, 'repo');
  const repo = await Repository.init(new LocalBackend(repoPath), 'pw', KDF);
  const catalog = Catalog.open(join(dir, 'catalog.db'));
  t.after(() => catalog.close());
  const ctx = { catalog, clock: { now: () => new Date('2026-05-01T10:00:00Z') }, hostname: 'ws' };
  return { dir, repoPath, repo, catalog, ctx, store: new OplogStore(catalog) };
}

test('after the first flush, flushes do not list the log folder; a saved but unrecorded batch is still found', async (t) => {
  const { repo, catalog, ctx, store } = await setup(t);
  const { target, lists } = counting(repo);
  appendOperation(ctx, { type: 'snapshot', summary: 'run 1' });
  await flushOplog(catalog, target, new Date());
  assert.equal(lists(), 1, 'a repository new to this catalog is listed once');
  for (let i = 2; i <= 20; i++) {
    appendOperation(ctx, { type: 'snapshot', summary: `run ${i}` });
    assert.deepEqual((await flushOplog(catalog, target, new Date())).written, [`${String(i).padStart(12, '0')}-${String(i).padStart(12, '0')}`]);
  }
  assert.equal(lists(), 1, 'no listing per run');

  // kill -9 between saving a batch and recording it.
  appendOperation(ctx, { type: 'backup', summary: 'killed' });
  appendOperation(ctx, { type: 'backup', summary: 'killed too' });
  await saveBatch(target, store.entries(21, 22));
  appendOperation(ctx, { type: 'restore', summary: 'after the restart' });
  const next = await flushOplog(catalog, target, new Date());
  assert.deepEqual(next.written, ['000000000023-000000000023'], 'only what the repository lacks is sent');
  assert.equal(lists(), 1);
  const r = await verifyOplog(repo, store.entries(), store.batches(repo.id));
  assert.equal(r.ok, true, JSON.stringify(r.findings));
  assert.equal(r.entries, 23);
});

test('a deleted newest batch is reported by verify-log, not silently written again', async (t) => {
  const { repoPath, repo, catalog, ctx, store } = await setup(t);
  for (let i = 1; i <= 3; i++) {
    appendOperation(ctx, { type: 'snapshot', summary: `run ${i}` });
    await flushOplog(catalog, repo, new Date());
  }
  unlinkSync(join(repoPath, 'quantai', 'oplog', '000000000003-000000000003'));
  appendOperation(ctx, { type: 'snapshot', summary: 'run 4' });
  assert.deepEqual((await flushOplog(catalog, repo, new Date())).written, ['000000000004-000000000004']);
  const r = await verifyOplog(repo, store.entries(), store.batches(repo.id));
  assert.equal(r.ok, false);
  assert.equal(r.firstBad?.problem, 'missing-batch');
  assert.equal(r.firstBad?.seq, 3);
});

test('a long backlog with an unrecorded batch in it is found by one listing; a new repository gets the whole log', async (t) => {
  const { dir, repo, catalog, ctx, store } = await setup(t);
  appendOperation(ctx, { type: 'init', summary: 'init' });
  await flushOplog(catalog, repo, new Date());
  for (let i = 0; i < 100; i++) appendOperation(ctx, { type: 'snapshot', summary: `offline run ${i}` });
  await saveBatch(repo, store.entries(2, 80));
  assert.deepEqual((await flushOplog(catalog, repo, new Date())).written, ['000000000081-000000000101']);
  const r = await verifyOplog(repo, store.entries(), store.batches(repo.id));
  assert.equal(r.ok, true, JSON.stringify(r.findings));

  const other = await Repository.init(new LocalBackend(join(dir, 'other')), 'pw', KDF);
  assert.deepEqual((await flushOplog(catalog, other, new Date())).written, ['000000000001-000000000101']);
  const o = await verifyOplog(other, store.entries(), store.batches(other.id));
  assert.equal(o.ok, true, JSON.stringify(o.findings));
});
