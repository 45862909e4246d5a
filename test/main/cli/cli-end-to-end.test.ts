/**
 * The CLI as a user runs it: init, snapshot, backup, list, restore, check, status,
 * with restic and sqlite3 as independent readers of the result.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseJsonOutput, runCli } from '../../support/cli.ts';
import { sha256File } from '../../support/fingerprint.ts';
import { resticOk } from '../../support/restic.ts';
import { requireTool } from '../../support/tools.ts';
import { tempDir } from '../../support/temp-dir.ts';
import { checkInvariant, createTradingDb } from '../../support/trading-db.ts';

const PASSWORD = 'correct horse battery staple';

test('init, snapshot, backup, snapshots, restore, check and status work end to end', async (t) => {
  if (!requireTool(t, 'restic') || !requireTool(t, 'sqlite3')) return;
  const dir = tempDir(t);
  const home = join(dir, 'home');
  const repo = join(dir, 'repo');
  const db = join(dir, 'trading.db');
  const files = join(dir, 'research');
  mkdirSync(join(files, 'notes'), { recursive: true });
  writeFileSync(join(files, 'notes', 'alpha.md'), '# alpha\n'.repeat(1000));
  writeFileSync(join(files, 'model.bin'), Buffer.alloc(300_000, 7));
  writeFileSync(join(files, 'scratch.tmp'), 'excluded by default');
  await createTradingDb(db, { accounts: 20, trades: 5000 });
  const env = { home, password: PASSWORD };

  const init = runCli(['init', '--db', db, '--repo', repo, '--files', files, '--json'], env);
  assert.equal(init.code, 0, init.stderr);
  assert.equal(parseJsonOutput<{ created: boolean }>(init).created, true);
  const config = JSON.parse(readFileSync(join(home, 'config.json'), 'utf8'));
  assert.equal(config.database.path, db);
  assert.doesNotMatch(readFileSync(join(home, 'config.json'), 'utf8'), new RegExp(PASSWORD), 'the password is never in the config');

  const again = runCli(['init', '--db', db, '--repo', repo, '--files', files, '--json'], env);
  assert.equal(again.code, 0, again.stderr);
  assert.equal(parseJsonOutput<{ created: boolean }>(again).created, false, 'a second init connects');

  const snap = runCli(['snapshot', '--json'], env);
  assert.equal(snap.code, 0, snap.stderr);
  const snapOut = parseJsonOutput<{ snapshotId: string; sha256: string; tables: Record<string, number> }>(snap);
  assert.equal(snapOut.tables.trades, 5000);
  assert.equal(snapOut.tables.audit_trail, 5000);

  const backup = runCli(['backup', '--json'], env);
  assert.equal(backup.code, 0, backup.stderr);
  const backupOut = parseJsonOutput<{ snapshotId: string; filesNew: number; totalFileBytes: number }>(backup);
  assert.equal(backupOut.filesNew, 2, 'scratch.tmp is excluded');
  assert.equal(backupOut.totalFileBytes, '# alpha\n'.length * 1000 + 300_000);

  const list = parseJsonOutput<{ id: string; kind: string }[]>(runCli(['snapshots', '--json'], env));
  assert.deepEqual(list.map((s) => s.kind).sort(), ['files', 'sqlite']);

  const restoredDb = join(dir, 'restored', 'trading.db');
  mkdirSync(join(dir, 'restored'));
  const rdb = runCli(['restore', snapOut.snapshotId.slice(0, 8), '--to', restoredDb, '--json'], env);
  assert.equal(rdb.code, 0, rdb.stderr);
  assert.equal(sha256File(restoredDb), snapOut.sha256);
  assert.equal(execFileSync('sqlite3', [restoredDb, 'PRAGMA integrity_check;'], { encoding: 'utf8' }).trim(), 'ok');
  checkInvariant(restoredDb);

  const refused = runCli(['restore', snapOut.snapshotId, '--to', restoredDb], env);
  assert.equal(refused.code, 1);
  assert.match(refused.stderr, /--force/);

  const target = join(dir, 'restored-files');
  const rfiles = runCli(['restore', backupOut.snapshotId, '--to', target, '--include', join(files, 'notes')], env);
  assert.equal(rfiles.code, 0, rfiles.stderr);
  assert.equal(readFileSync(join(target, files, 'notes', 'alpha.md'), 'utf8'), '# alpha\n'.repeat(1000));
  assert.throws(() => readFileSync(join(target, files, 'model.bin')), /ENOENT/, '--include restored only the notes');

  // Restoring again over an edited file: refused without --force (the edit survives), replaced with it.
  const restoredNote = join(target, files, 'notes', 'alpha.md');
  writeFileSync(restoredNote, 'edited after the restore');
  const overwrite = runCli(['restore', backupOut.snapshotId, '--to', target], env);
  assert.equal(overwrite.code, 1, overwrite.stdout);
  assert.match(overwrite.stderr, /1 file already exists under .*\(first: .*alpha\.md\).*--force/);
  assert.equal(readFileSync(restoredNote, 'utf8'), 'edited after the restore');
  assert.throws(() => readFileSync(join(target, files, 'model.bin')), /ENOENT/, 'a refused restore writes nothing');
  const forced = runCli(['restore', backupOut.snapshotId, '--to', target, '--force'], env);
  assert.equal(forced.code, 0, forced.stderr);
  assert.equal(readFileSync(restoredNote, 'utf8'), '# alpha\n'.repeat(1000));
  assert.equal(readFileSync(join(target, files, 'model.bin')).length, 300_000);

  const check = runCli(['check', '--read-data', '--json'], env);
  assert.equal(check.code, 0, check.stdout + check.stderr);
  assert.equal(parseJsonOutput<{ ok: boolean }>(check).ok, true);
  resticOk(repo, PASSWORD, ['check', '--read-data']);

  const status = parseJsonOutput<{ lastDatabaseSnapshot: { id: string }; lastRuns: Record<string, { result: string }> }>(runCli(['status', '--json'], { home }));
  assert.equal(status.lastDatabaseSnapshot.id, snapOut.snapshotId);
  assert.equal(status.lastRuns.snapshot?.result, 'success');
  assert.equal(status.lastRuns.backup?.result, 'success');
});

test('npx quantai-backup resolves the package bin', (t) => {
  const home = tempDir(t);
  const out = execFileSync('npx', ['--no-install', 'quantai-backup', '--help'], { encoding: 'utf8', env: { ...process.env, QUANTAI_BACKUP_HOME: home } });
  assert.match(out, /snapshot/);
  assert.match(out, /restore/);
});
