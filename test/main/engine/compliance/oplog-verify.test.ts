/**
 * The operations log in a real local repository: entries appended to the
 * catalog, flushed as encrypted batch files, then tampered with the way an
 * attacker holding the key would (decrypt, change, re-encrypt, save under the
 * right name) and by a plain byte flip. The verifier must name the entry.
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync, unlinkSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { LocalBackend } from '../../../../main/engine/backends/local-backend.ts';
import { Catalog } from '../../../../main/engine/catalog/catalog.ts';
import { appendOperation } from '../../../../main/engine/compliance/oplog.ts';
import { decodeBatch, encodeBatch, loadBatch } from '../../../../main/engine/compliance/oplog-batch.ts';
import { hashEntry, type OplogEntry } from '../../../../main/engine/compliance/oplog-chain.ts';
import { flushOplog } from '../../../../main/engine/compliance/oplog-flush.ts';
import { OplogStore } from '../../../../main/engine/compliance/oplog-store.ts';
import { verifyOplog, type LogVerification } from '../../../../main/engine/compliance/oplog-verify.ts';
import { Repository } from '../../../../main/engine/repo/repository.ts';
import { tempDir } from '../../../support/temp-dir.ts';

const PASSWORD = 'oplog test password';
const FAST_KDF = { N: 1024, r: 8, p: 1 };

interface LogFixture {
  repo: Repository;
  repoPath: string;
  catalog: Catalog;
  verify: () => Promise<LogVerification>;
  batchFiles: () => string[];
}

/** 12 entries in three batch files (1-5, 6-9, 10-12), as three flushes after runs would leave them. */
async function logFixture(t: TestContext): Promise<LogFixture> {
  const dir = tempDir(t);
  const repoPath = join(dir, 'repo');
  const repo = await Repository.init(new LocalBackend(repoPath), PASSWORD, { kdf: FAST_KDF });
  const catalog = Catalog.open(join(dir, 'catalog.db'));
  t.after(() => catalog.close());
  let time = Date.parse('2026-03-02T09:00:00Z');
  const ctx = { catalog, clock: { now: () => new Date(time) }, hostname: 'trading-ws' };
  const types = ['init', 'snapshot', 'backup', 'snapshot', 'restore', 'forget', 'prune', 'hold', 'snapshot', 'settings', 'verify', 'hold-release'] as const;
  const cuts = new Set([5, 9, 12]);
  for (const [i, type] of types.entries()) {
    time += 15 * 60_000;
    appendOperation(ctx, { type, summary: `${type} number ${i + 1}`, data: { index: i + 1, nested: { b: 2, a: [1, 'x'] } } });
    if (cuts.has(i + 1)) await flushOplog(catalog, repo, new Date(time));
  }
  const store = new OplogStore(catalog);
  const oplogDir = join(repoPath, 'quantai', 'oplog');
  return {
    repo, repoPath, catalog,
    verify: async () => verifyOplog(repo, store.entries(), store.batches(repo.id)),
    batchFiles: () => readdirSync(oplogDir).sort(),
  };
}

/** The attacker's edit: decrypt a batch, change its entries, re-encrypt it under the same name. */
async function rewriteBatch(f: LogFixture, name: string, change: (entries: OplogEntry[]) => OplogEntry[]): Promise<void> {
  const entries = change(await loadBatch(f.repo, name));
  await f.repo.backend.save({ type: 'oplog', name }, encodeBatch(f.repo.masterKey, f.repo.id, entries));
}

test('a healthy log passes: three batches, every entry linked, and the catalog agrees', async (t) => {
  const f = await logFixture(t);
  assert.deepEqual(f.batchFiles(), ['000000000001-000000000005', '000000000006-000000000009', '000000000010-000000000012']);
  const r = await f.verify();
  assert.deepEqual(r.findings, []);
  assert.equal(r.ok, true);
  assert.equal(r.entries, 12);
  assert.equal(r.headSeq, 12);
  assert.equal(r.catalog.pending, 0);
  // Stored encrypted: no summary text appears in the raw bytes.
  for (const name of f.batchFiles()) {
    assert.doesNotMatch(readFileSync(join(f.repoPath, 'quantai', 'oplog', name)).toString('latin1'), /number|snapshot/);
  }
});

test('an entry appended after the last flush is pending, then sent by the next flush', async (t) => {
  const f = await logFixture(t);
  appendOperation({ catalog: f.catalog, clock: { now: () => new Date('2026-03-03T00:00:00Z') } }, { type: 'backup', summary: 'late' });
  const before = await f.verify();
  assert.equal(before.ok, true);
  assert.equal(before.catalog.pending, 1);
  const flushed = await flushOplog(f.catalog, f.repo, new Date());
  assert.deepEqual(flushed.written, ['000000000013-000000000013']);
  const after = await f.verify();
  assert.equal(after.ok, true);
  assert.equal(after.entries, 13);
  assert.equal(after.catalog.pending, 0);
});

test('an edited entry (summary changed, hash left) is named as edited', async (t) => {
  const f = await logFixture(t);
  await rewriteBatch(f, '000000000006-000000000009', (entries) => entries.map((e) => (e.seq === 7 ? { ...e, summary: 'nothing happened' } : e)));
  const r = await f.verify();
  assert.equal(r.ok, false);
  assert.equal(r.firstBad?.seq, 7);
  assert.equal(r.firstBad?.problem, 'edited');
  assert.match(r.firstBad?.message ?? '', /entry 7 \(prune at .*\) does not match its hash/);
});

test('an edited and re-hashed entry breaks the next link and differs from the catalog', async (t) => {
  const f = await logFixture(t);
  await rewriteBatch(f, '000000000006-000000000009', (entries) => entries.map((e) => {
    if (e.seq !== 6) return e;
    const forged = { ...e, data: { index: 6, snapshots: [] } };
    return { ...forged, hash: hashEntry(forged) };
  }));
  const r = await f.verify();
  assert.equal(r.ok, false);
  assert.equal(r.firstBad?.seq, 6);
  assert.equal(r.firstBad?.problem, 'edited');
  assert.ok(r.findings.some((x) => x.problem === 'catalog-mismatch' && x.seq === 6), JSON.stringify(r.findings));
});

test('a removed entry is named, and so is a swap of two entries', async (t) => {
  const f = await logFixture(t);
  await rewriteBatch(f, '000000000001-000000000005', (entries) => entries.filter((e) => e.seq !== 3));
  const removed = await f.verify();
  assert.equal(removed.ok, false);
  assert.equal(removed.firstBad?.problem, 'removed');
  assert.equal(removed.firstBad?.seq, 3);
  assert.match(removed.firstBad?.message ?? '', /entry 3 is missing/);

  await rewriteBatch(f, '000000000010-000000000012', (entries) => [entries[1]!, entries[0]!, entries[2]!]);
  const swapped = await f.verify();
  assert.ok(swapped.findings.some((x) => x.problem === 'reordered' && x.seq === 10), JSON.stringify(swapped.findings));
});

test('a swap that renumbers and re-hashes both entries is named as reordered', async (t) => {
  const f = await logFixture(t);
  await rewriteBatch(f, '000000000006-000000000009', (entries) => {
    const [a, b, ...rest] = entries as [OplogEntry, OplogEntry, ...OplogEntry[]];
    const first = { ...b, seq: a.seq };
    const second = { ...a, seq: b.seq };
    return [{ ...first, hash: hashEntry(first) }, { ...second, hash: hashEntry(second) }, ...rest];
  });
  const r = await f.verify();
  assert.equal(r.ok, false);
  assert.equal(r.firstBad?.seq, 6);
  assert.equal(r.firstBad?.problem, 'reordered');
  assert.match(r.firstBad?.message ?? '', /entry 6 \(prune at .*\) was logged as entry 7/);
});

test('a deleted batch file is named, in the middle and at the end', async (t) => {
  const f = await logFixture(t);
  unlinkSync(join(f.repoPath, 'quantai', 'oplog', '000000000010-000000000012'));
  const tail = await f.verify();
  assert.equal(tail.ok, false);
  assert.equal(tail.firstBad?.problem, 'missing-batch');
  assert.equal(tail.firstBad?.batch, '000000000010-000000000012');
  unlinkSync(join(f.repoPath, 'quantai', 'oplog', '000000000006-000000000009'));
  const middle = await f.verify();
  assert.equal(middle.firstBad?.problem, 'missing-batch');
  assert.equal(middle.firstBad?.seq, 6);
  assert.match(middle.firstBad?.message ?? '', /batch file 000000000006-000000000009 \(entries 6-9\) .* is missing/);
});

test('a plain byte flip in a batch file is caught by its MAC and named', async (t) => {
  const f = await logFixture(t);
  const path = join(f.repoPath, 'quantai', 'oplog', '000000000006-000000000009');
  const bytes = readFileSync(path);
  bytes[40] = (bytes[40] ?? 0) ^ 0x01;
  writeFileSync(path, bytes);
  assert.throws(() => decodeBatch(f.repo.masterKey, bytes, 'x'));
  const r = await f.verify();
  assert.equal(r.ok, false);
  assert.equal(r.firstBad?.problem, 'unreadable-batch');
  assert.equal(r.firstBad?.seq, 6);
  assert.equal(r.findings.length, 1, JSON.stringify(r.findings));
});
