/**
 * `compliance verify-log` and `compliance [report]` as a user runs them, on a
 * real repository written by real CLI runs: the runs' entries are in the
 * repository's encrypted log, the chain passes, restic still accepts the
 * repository, an entry edited by someone holding the key is named, a fresh
 * installation is not in violation, a logged deletion before retention end
 * is, and the HTML report is one self-contained page.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { LocalBackend } from '../../../main/engine/backends/local-backend.ts';
import { Catalog } from '../../../main/engine/catalog/catalog.ts';
import { encodeBatch, loadBatch } from '../../../main/engine/compliance/oplog-batch.ts';
import type { OplogEntry } from '../../../main/engine/compliance/oplog-chain.ts';
import { appendOperation } from '../../../main/engine/compliance/oplog.ts';
import type { ComplianceReport } from '../../../main/engine/compliance/compliance-report.ts';
import { createEngine } from '../../../main/engine/engine.ts';
import { Repository } from '../../../main/engine/repo/repository.ts';
import { passwordFromEnvironment } from '../../../main/engine/secrets/password-source.ts';
import { parseJsonOutput, runCli } from '../../support/cli.ts';
import { resticOk } from '../../support/restic.ts';
import { requireTool } from '../../support/tools.ts';
import { tempDir } from '../../support/temp-dir.ts';
import { createTradingDb } from '../../support/trading-db.ts';

const PASSWORD = 'compliance test password';

test('real CLI runs are logged in the repository; verify-log passes, then names an edited entry; the report and its HTML', async (t) => {
  if (!requireTool(t, 'restic') || !requireTool(t, 'sqlite3')) return;
  const dir = tempDir(t);
  const home = join(dir, 'home');
  const repoPath = join(dir, 'repo');
  const db = join(dir, 'trading.db');
  const files = join(dir, 'research');
  mkdirSync(files);
  createTradingDb(db, { accounts: 3, trades: 300 });
  const env = { home, password: PASSWORD };
  // Initialised in-process with a fast KDF (the key file carries it), so every CLI run below opens the repository quickly.
  const setup = createEngine({ home, kdf: { N: 1024, r: 8, p: 1 }, secrets: passwordFromEnvironment({ QUANTAI_BACKUP_PASSWORD: PASSWORD }) });
  await setup.initialize({ repoPath, dbPath: db, files: [files] });
  setup.close();
  const snap = parseJsonOutput<{ snapshotId: string }>(runCli(['snapshot', '--json'], env));
  assert.equal(runCli(['backup', '--json'], env).code, 0);
  mkdirSync(join(dir, 'restored'));
  const restored = runCli(['restore', snap.snapshotId.slice(0, 8), '--to', join(dir, 'restored', 'trading.db')], env);
  assert.equal(restored.code, 0, restored.stderr);

  // The evidence is in the repository: decrypt every batch and look for the runs.
  const repo = await Repository.open(new LocalBackend(repoPath), PASSWORD);
  const names = readdirSync(join(repoPath, 'quantai', 'oplog')).sort();
  const entries: OplogEntry[] = [];
  for (const name of names) entries.push(...(await loadBatch(repo, name)));
  assert.deepEqual(entries.map((e) => e.type), ['init', 'snapshot', 'backup', 'restore']);
  assert.deepEqual(entries.map((e) => e.seq), [1, 2, 3, 4]);
  assert.equal(entries[1]?.data?.snapshotId, snap.snapshotId);
  assert.equal(names.length, 4, 'one batch per flush');
  assert.ok(resticOk(repoPath, PASSWORD, ['check', '--read-data']), 'restic accepts the repository with our log folder in it');

  const healthy = runCli(['compliance', 'verify-log'], env);
  assert.equal(healthy.code, 0, healthy.stdout + healthy.stderr);
  assert.match(healthy.stdout, /chain intact, 4 entries in 4 batch file\(s\), head 4/);

  // Fresh installation: not in violation for lacking seven-year-old backups.
  const htmlFile = join(dir, 'report.html');
  const fresh = runCli(['compliance', '--json', '--html', htmlFile], env);
  const report = parseJsonOutput<ComplianceReport>(fresh);
  assert.notEqual(report.status, 'violation', fresh.stdout);
  assert.equal(fresh.code, report.status === 'attention' ? 3 : 0);
  const trade = report.classes.find((c) => c.name === 'trade-records');
  assert.ok(trade);
  assert.equal(trade.snapshots, 1);
  assert.equal(trade.coverage.ok, true);
  assert.equal(trade.coverage.requiredDays, 0);
  assert.deepEqual(report.earlyDeletions, []);
  const html = readFileSync(htmlFile, 'utf8');
  assert.match(html, /^<!doctype html>/);
  assert.match(html, /trade-records/);
  assert.doesNotMatch(html, /<script|<link|src=|https?:\/\//);

  // A forget logged for a snapshot 40 days old whose month has nothing retained: a deletion before retention end.
  const catalog = Catalog.open(join(home, 'catalog.db'));
  const old = new Date(Date.now() - 40 * 86_400_000).toISOString();
  const early = appendOperation({ catalog, clock: { now: () => new Date() }, hostname: 'attacker' }, {
    type: 'forget', summary: 'forgot 1 snapshot by hand',
    data: { snapshots: [{ id: 'ab'.repeat(32), time: old, tags: ['quantai', 'kind:sqlite', 'tier:1'], paths: [db], class: 'trade-records' }] },
  });
  catalog.close();
  const human = runCli(['compliance'], env);
  assert.equal(human.code, 1, human.stdout + human.stderr);
  assert.match(human.stdout, /^compliance: VIOLATION/);
  assert.match(human.stdout, new RegExp(`DELETION BEFORE RETENTION END: log entry ${early.seq}: snapshot abababab of ${old.slice(0, 10)}`));

  // Someone with the key rewrites the restore entry's summary and re-encrypts the batch under its name.
  const restoreBatch = names[3]!;
  const forged = (await loadBatch(repo, restoreBatch)).map((e) => ({ ...e, summary: 'restore never happened' }));
  await repo.backend.save({ type: 'oplog', name: restoreBatch }, encodeBatch(repo.masterKey, repo.id, forged));
  const broken = runCli(['compliance', 'verify-log'], env);
  assert.equal(broken.code, 1, broken.stdout + broken.stderr);
  assert.match(broken.stdout, /first bad entry: entry 4 \(restore at .*\) does not match its hash/);
  // The forget entry appended above was never flushed (verify-log only reads): it waits, it is not a break.
  assert.match(broken.stdout, /chain BROKEN, 1 problem\(s\) in 4 entries; 1 newer entry is not in this copy yet \(the next flush\)/);
  assert.equal(broken.stderr, '');
  assert.ok(existsSync(htmlFile));
});
