/**
 * `restore-test` as a user runs it: a drill on an intact repository passes
 * and leaves its evidence (JSON, an HTML page, a catalog row); after a byte
 * of the database's data is flipped, the drill fails and says what failed.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { readDatabaseSnapshot, segmentContent } from '../../../main/engine/sources/sqlite/read-database-snapshot.ts';
import { parseJsonOutput, runCli } from '../../support/cli.ts';
import { requireTool } from '../../support/tools.ts';
import { tempDir } from '../../support/temp-dir.ts';
import { createTradingDb } from '../../support/trading-db.ts';
import { flipByte, openRepo, PASSWORD, writeTree } from '../engine/verify/engine-fixture.ts';

const HOSTILE = `<script>alert('drill')</script>&.csv`;

interface DrillJson {
  ok: boolean;
  withinRto: boolean;
  drills: {
    drillId: number; destination: string; ok: boolean; durationMs: number; rtoMs: number;
    evidence: {
      failures: string[];
      database: { snapshotId: string; restoreMs: number; rtoMs: number; sha256: string | null; tables: Record<string, number> | null } | null;
      files: { sampled: { path: string; sha256: string | null; result: string }[]; estimatedFullRestoreMs: number } | null;
    };
  }[];
}

test('restore-test passes on an intact repository, fails with evidence on a damaged one', async (t) => {
  if (!requireTool(t, 'sqlite3')) return;
  const dir = tempDir(t);
  const home = join(dir, 'home');
  const repo = join(dir, 'repo');
  const db = join(dir, 'trading.db');
  createTradingDb(db, { accounts: 5, trades: 2000 });
  writeTree(join(dir, 'research'), { [HOSTILE]: 'a,b\n1,2\n', 'model.bin': Buffer.alloc(150_000, 1), 'notes/a.md': 'alpha\n' });
  const env = { home, password: PASSWORD };
  assert.equal(runCli(['init', '--db', db, '--repo', repo, '--files', join(dir, 'research')], env).code, 0);
  const snap = parseJsonOutput<{ snapshotId: string; sha256: string; tables: Record<string, number> }>(runCli(['snapshot', '--json'], env));
  assert.equal(runCli(['backup'], env).code, 0);

  const html = join(dir, 'evidence.html');
  const pass = runCli(['restore-test', '--json', '--html', html], env);
  assert.equal(pass.code, 0, pass.stdout + pass.stderr);
  const out = parseJsonOutput<DrillJson>(pass);
  assert.equal(out.ok, true);
  const drill = out.drills[0]!;
  const dbPart = drill.evidence.database!;
  assert.equal(dbPart.snapshotId, snap.snapshotId);
  assert.equal(dbPart.sha256, snap.sha256);
  assert.deepEqual(dbPart.tables, snap.tables);
  assert.equal(dbPart.rtoMs, 15 * 60_000);
  const sampled = drill.evidence.files!.sampled;
  assert.equal(sampled.length, 3, 'all three files: fewer than the default sample of 20');
  assert.ok(sampled.every((s) => s.result === 'pass' && /^[0-9a-f]{64}$/.test(s.sha256 ?? '')));

  const page = readFileSync(html, 'utf8');
  assert.ok(page.includes(`${dbPart.restoreMs} ms`), 'the page shows the measured database restore time');
  assert.ok(page.includes('900000 ms'), 'and the objective');
  assert.ok(page.includes(snap.sha256));
  assert.ok(page.includes('&lt;script&gt;alert(&#39;drill&#39;)&lt;/script&gt;&amp;.csv'), 'the hostile file name is escaped');
  assert.ok(!page.includes('<script'), 'no markup from a file name reaches the page');

  const sql = (q: string) => execFileSync('sqlite3', [join(home, 'catalog.db'), q], { encoding: 'utf8' }).trim();
  assert.equal(sql(`SELECT ok || ' ' || (duration_ms > 0) || ' ' || destination FROM drills WHERE id = ${drill.drillId}`), '1 1 local');
  assert.equal(Number(sql(`SELECT rto_ms FROM drills WHERE id = ${drill.drillId}`)), drill.rtoMs);
  assert.equal(sql(`SELECT json_extract(report_json, '$.database.sha256') FROM drills WHERE id = ${drill.drillId}`), snap.sha256);

  const human = runCli(['restore-test'], env);
  assert.equal(human.code, 0, human.stderr);
  assert.match(human.stdout, /restore drill on local \(.*\): PASSED\n/);
  assert.match(human.stdout, new RegExp(`database snapshot ${snap.snapshotId.slice(0, 8)}: .* \\(objective 15 min\\); trades=2000`));

  // Damage the first page run of the database.
  const reader = await openRepo(repo);
  const parts = await readDatabaseSnapshot(reader, await reader.findSnapshot(snap.snapshotId));
  const where = reader.masterIndex.lookup('data', (await segmentContent(reader, parts.segmentTrees[0]!))[0]!)[0]!;
  flipByte(repo, where.packId, where.offset + 20);

  const fail = runCli(['restore-test'], env);
  assert.equal(fail.code, 1, fail.stdout + fail.stderr);
  assert.match(fail.stdout, /: FAILED/);
  assert.match(fail.stdout, new RegExp(`failed: database: restore: .*pack ${where.packId.slice(0, 12)}`));
  const failJson = parseJsonOutput<DrillJson>(runCli(['restore-test', '--json'], env));
  assert.equal(failJson.ok, false);
  assert.ok(failJson.drills[0]!.evidence.failures.some((f) => f.includes(where.packId.slice(0, 12))), failJson.drills[0]!.evidence.failures.join('\n'));
  assert.equal(sql('SELECT group_concat(ok, \' \') FROM (SELECT ok FROM drills ORDER BY id)'), '1 1 0 0');
  assert.equal(sql("SELECT result FROM runs WHERE job = 'drill' ORDER BY id DESC LIMIT 1"), 'failed');
  const tmp = join(home, 'tmp');
  assert.deepEqual(existsSync(tmp) ? readdirSync(tmp).filter((n) => n.startsWith('drill-')) : [], [], 'no drill folder is left behind');
});
