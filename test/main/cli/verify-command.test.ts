/**
 * `verify` as a user runs it: a byte flipped in one pack file is found by
 * `verify --read-data` and then by the daily level, which names the pack and
 * the snapshot it hurts; the failure is in the catalog. restic is the oracle.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import { listSnapshotFiles } from '../../../main/engine/drill/file-sample.ts';
import { parseJsonOutput, runCli } from '../../support/cli.ts';
import { restic } from '../../support/restic.ts';
import { requireTool } from '../../support/tools.ts';
import { tempDir } from '../../support/temp-dir.ts';
import { createTradingDb } from '../../support/trading-db.ts';
import { flipByte, openRepo, PASSWORD, writeTree } from '../engine/verify/engine-fixture.ts';

interface VerifyJson {
  ok: boolean;
  level: string;
  damagedPacks: { pack: string; snapshots: string[] }[];
  affectedSnapshots: string[];
  packs: { total: number; read: number };
  verificationId: number;
}

test('verify --read-data finds a flipped byte, names the pack and the snapshot, and records the failure', async (t) => {
  if (!requireTool(t, 'restic') || !requireTool(t, 'sqlite3')) return;
  const dir = tempDir(t);
  const home = join(dir, 'home');
  const repo = join(dir, 'repo');
  const db = join(dir, 'trading.db');
  createTradingDb(db, { accounts: 5, trades: 2000 });
  writeTree(join(dir, 'research'), { 'model.bin': Buffer.alloc(200_000, 9), 'notes.md': '# notes\n'.repeat(50) });
  const env = { home, password: PASSWORD };
  assert.equal(runCli(['init', '--db', db, '--repo', repo, '--files', join(dir, 'research')], env).code, 0);
  const dbSnap = parseJsonOutput<{ snapshotId: string }>(runCli(['snapshot', '--json'], env)).snapshotId;
  const fileSnap = parseJsonOutput<{ snapshotId: string }>(runCli(['backup', '--json'], env)).snapshotId;

  const clean = runCli(['verify', '--read-data', '--json'], env);
  assert.equal(clean.code, 0, clean.stdout + clean.stderr);
  const cleanOut = parseJsonOutput<VerifyJson>(clean);
  assert.equal(cleanOut.ok, true);
  assert.equal(cleanOut.packs.read, cleanOut.packs.total);

  // Damage the pack holding model.bin's data: only the file snapshot needs it.
  const reader = await openRepo(repo);
  const model = (await listSnapshotFiles(reader, (await reader.loadSnapshot(fileSnap)).tree)).find((f) => f.path.endsWith('/model.bin'))!;
  const where = reader.masterIndex.lookup('data', model.content[0]!)[0]!;
  flipByte(repo, where.packId, where.offset + 30);
  assert.notEqual(restic(repo, PASSWORD, ['check', '--read-data']).code, 0, 'restic agrees the repository is damaged');

  const human = runCli(['verify', '--read-data'], env);
  assert.equal(human.code, 1, human.stdout + human.stderr);
  assert.match(human.stdout, new RegExp(`damaged pack ${where.packId}: affects snapshot\\(s\\) ${fileSnap.slice(0, 8)}\\n`));
  assert.match(human.stdout, new RegExp(`problem\\(s\\) found; affected snapshot\\(s\\): ${fileSnap.slice(0, 8)}\\n`));
  assert.doesNotMatch(human.stdout, new RegExp(dbSnap.slice(0, 8) + '(?!.*restored and checked)'), 'the database snapshot is not reported as affected');

  const json = runCli(['verify', '--read-data', '--json'], env);
  assert.equal(json.code, 1);
  const out = parseJsonOutput<VerifyJson>(json);
  assert.equal(out.ok, false);
  assert.deepEqual(out.damagedPacks.map((p) => [p.pack, p.snapshots]), [[where.packId, [fileSnap]]]);
  assert.deepEqual(out.affectedSnapshots, [fileSnap]);

  // The daily level reads the pack again (its last read failed) and reports it too.
  const daily = runCli(['verify', '--json'], env);
  assert.equal(daily.code, 1, daily.stdout + daily.stderr);
  const dailyOut = parseJsonOutput<VerifyJson>(daily);
  assert.equal(dailyOut.level, 'daily');
  assert.ok(dailyOut.packs.read < dailyOut.packs.total, 'the daily level reads a share of the packs');
  assert.deepEqual(dailyOut.damagedPacks.map((p) => [p.pack, p.snapshots]), [[where.packId, [fileSnap]]]);

  const sql = (q: string) => execFileSync('sqlite3', [join(home, 'catalog.db'), q], { encoding: 'utf8' }).trim();
  assert.equal(sql("SELECT group_concat(level || ':' || ok, ' ') FROM (SELECT level, ok FROM verifications WHERE level != 'metadata' ORDER BY id)"), 'full:1 full:0 full:0 daily:0');
  assert.equal(sql(`SELECT json_extract(report, '$.damagedPacks[0].pack') FROM verifications WHERE id = ${out.verificationId}`), where.packId);
  assert.equal(sql("SELECT ok FROM pack_reads WHERE pack_id = '" + where.packId + "'"), '0');
  assert.equal(sql("SELECT result FROM runs WHERE job = 'verify' ORDER BY id DESC LIMIT 1"), 'failed');
});
