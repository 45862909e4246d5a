/**
 * The states kill -9 can leave the log in, made directly: an entry in the
 * catalog that was never flushed, a torn temp file of a batch being written,
 * a batch saved whose catalog record was never written. None breaks the
 * chain, and the next flush completes the repository copy without duplicates.
 */
import assert from 'node:assert/strict';
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { LocalBackend } from '../../../../main/engine/backends/local-backend.ts';
import { Catalog } from '../../../../main/engine/catalog/catalog.ts';
import { appendOperation } from '../../../../main/engine/compliance/oplog.ts';
import { saveBatch } from '../../../../main/engine/compliance/oplog-batch.ts';
import { flushOplog } from '../../../../main/engine/compliance/oplog-flush.ts';
import { logOperation } from '../../../../main/engine/compliance/oplog-sync.ts';
import { OplogStore } from '../../../../main/engine/compliance/oplog-store.ts';
import { verifyOplog } from '../../../../main/engine/compliance/oplog-verify.ts';
import { Repository } from '../../../../main/engine/repo/repository.ts';
import { tempDir } from '../../../support/temp-dir.ts';

test('unflushed entries, a torn batch temp file and an unrecorded batch never break the chain; the next flush completes it', async (t) => {
  const dir = tempDir(t);
  const repoPath = join(dir, 'repo');
  const repo = await Repository.init(new LocalBackend(repoPath), 'pw', { kdf: { N: 1024, r: 8, p: 1 } });
  const catalog = Catalog.open(join(dir, 'catalog.db'));
  t.after(() => catalog.close());
  const store = new OplogStore(catalog);
  const ctx = { catalog, clock: { now: () => new Date('2026-05-01T10:00:00Z') }, hostname: 'ws' };
  const verify = () => verifyOplog(repo, store.entries(), store.batches(repo.id));

  for (let i = 0; i < 3; i++) appendOperation(ctx, { type: 'snapshot', summary: `run ${i}` });
  await flushOplog(catalog, repo, new Date());
  // Killed after appending, before flushing: the entries wait in the catalog.
  appendOperation(ctx, { type: 'backup', summary: 'killed before the flush' });
  appendOperation(ctx, { type: 'snapshot', summary: 'next run' });
  // Killed while writing a batch: its temp file stays behind, half written.
  const oplogDir = join(repoPath, 'quantai', 'oplog');
  writeFileSync(join(oplogDir, '000000000004-000000000005-tmp-12345'), Buffer.from('torn'));
  const torn = await verify();
  assert.equal(torn.ok, true, JSON.stringify(torn.findings));
  assert.equal(torn.catalog.pending, 2);

  // Killed after the batch was saved but before the catalog recorded it.
  await saveBatch(repo, store.entries(4, 5));
  const unrecorded = await verify();
  assert.equal(unrecorded.ok, true, JSON.stringify(unrecorded.findings));
  assert.equal(unrecorded.catalog.pending, 0);

  appendOperation(ctx, { type: 'restore', summary: 'after the restart' });
  const flushed = await flushOplog(catalog, repo, new Date());
  assert.deepEqual(flushed.written, ['000000000006-000000000006'], 'only what the repository lacks is sent');
  const final = await verify();
  assert.equal(final.ok, true, JSON.stringify(final.findings));
  assert.equal(final.entries, 6);
  assert.deepEqual(readdirSync(oplogDir).filter((n) => !n.includes('-tmp-')).sort(),
    ['000000000001-000000000003', '000000000004-000000000005', '000000000006-000000000006']);
});

test('logOperation (hold add/release and other non-run operations) reaches the repository at once', async (t) => {
  const dir = tempDir(t);
  const repo = await Repository.init(new LocalBackend(join(dir, 'repo')), 'pw', { kdf: { N: 1024, r: 8, p: 1 } });
  const catalog = Catalog.open(join(dir, 'catalog.db'));
  t.after(() => catalog.close());
  const ctx = { catalog, clock: { now: () => new Date('2026-05-01T10:00:00Z') } };
  const entry = await logOperation(ctx, { type: 'hold', summary: 'legal hold #1: SEC inquiry', data: { holdId: 1, reason: 'SEC inquiry' } }, repo);
  assert.equal(entry.seq, 1);
  const store = new OplogStore(catalog);
  const r = await verifyOplog(repo, store.entries(), store.batches(repo.id));
  assert.equal(r.ok, true);
  assert.equal(r.entries, 1);
  assert.equal(r.catalog.pending, 0);
});
