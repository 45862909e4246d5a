/**
 * kill -9 at random points of `snapshot` and `backup`: afterwards restic's check
 * passes, every earlier snapshot restores byte for byte, and the next run
 * succeeds. The seed is printed; QB_CRASH_SEED=<seed> replays a run.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import Database from 'better-sqlite3';
import { parseJsonOutput, runCli } from '../../support/cli.ts';
import { startCliChild } from '../../support/cli-child.ts';
import { fingerprint, sha256File } from '../../support/fingerprint.ts';
import { restic, resticOk } from '../../support/restic.ts';
import { requireTool } from '../../support/tools.ts';
import { tempDir } from '../../support/temp-dir.ts';
import { createTradingDb } from '../../support/trading-db.ts';
import { mulberry32 } from '../../support/seeded-random.ts';

const PASSWORD = 'crash-test-password';

async function killAfter(t: TestContext, args: string[], env: { home: string; password: string }, delayMs: number): Promise<string> {
  const run = startCliChild(t, args, env);
  const { code } = await run.exitWithin(delayMs);
  return code === null ? 'killed' : `exited ${code}${code ? `: ${run.stderr().trim()}` : ''}`;
}

/** Starts `snapshot` and kills it with SIGKILL as soon as its own copy of the database shows up in tmp/; returns what tmp/ holds then. */
async function killMidCopy(t: TestContext, env: { home: string; password: string }, tmp: string): Promise<string[]> {
  const before = new Set(existsSync(tmp) ? readdirSync(tmp) : []);
  const run = startCliChild(t, ['snapshot'], env);
  while (run.running() && !(existsSync(tmp) && readdirSync(tmp).some((n) => n.endsWith('.copy') && !before.has(n)))) await new Promise((r) => setTimeout(r, 5));
  assert.equal(await run.kill9(), null, 'the snapshot was killed mid-copy, not finished');
  return readdirSync(tmp);
}

function timed(fn: () => void): number {
  const start = Date.now();
  fn();
  return Date.now() - start;
}

test('kill -9 during snapshot and backup never damages earlier snapshots', { timeout: 900_000 }, async (t) => {
  if (!requireTool(t, 'restic')) return;
  const seed = Number(process.env.QB_CRASH_SEED ?? Math.floor(Math.random() * 2 ** 31));
  t.diagnostic(`crash seed ${seed} (QB_CRASH_SEED=${seed} replays it)`);
  const random = mulberry32(seed);
  const dir = tempDir(t);
  const home = join(dir, 'home');
  const repo = join(dir, 'repo');
  const db = join(dir, 'trading.db');
  const files = join(dir, 'files');
  mkdirSync(files);
  for (let i = 0; i < 8; i++) writeFileSync(join(files, `blob-${i}.bin`), randomBytes(4 * 1024 * 1024));
  await createTradingDb(db, { accounts: 50, trades: 20_000, targetBytes: 60 * 1024 * 1024 });
  const env = { home, password: PASSWORD };
  assert.equal(runCli(['init', '--db', db, '--repo', repo, '--files', files], env).code, 0);

  const baseSnap = runCli(['snapshot', '--json'], env);
  assert.equal(baseSnap.code, 0, baseSnap.stderr);
  const baseline = parseJsonOutput<{ snapshotId: string; sha256: string }>(baseSnap);
  const baseBackup = parseJsonOutput<{ snapshotId: string }>(runCli(['backup', '--json'], env));
  const baselineFiles = fingerprint(files);

  // How long an uninterrupted run takes, so kills spread over the whole run.
  const touchDb = () => {
    const conn = new Database(db);
    conn.prepare('UPDATE accounts SET name = name || ? WHERE rowid % 3 = ?').run('x', Math.floor(random() * 3));
    conn.close();
  };
  const touchFiles = (i: number) => {
    appendFileSync(join(files, `blob-${i % 8}.bin`), randomBytes(64 * 1024));
    writeFileSync(join(files, `new-${i}.bin`), randomBytes(2 * 1024 * 1024));
  };
  touchDb();
  const snapshotMs = timed(() => assert.equal(runCli(['snapshot'], env).code, 0));
  touchFiles(100);
  const backupMs = timed(() => assert.equal(runCli(['backup'], env).code, 0));
  t.diagnostic(`uninterrupted: snapshot ${snapshotMs} ms, backup ${backupMs} ms`);

  const rounds = Number(process.env.QB_CRASH_ROUNDS ?? 8);
  for (let round = 0; round < rounds; round++) {
    const isSnapshot = round % 2 === 0;
    if (isSnapshot) touchDb();
    else touchFiles(round);
    const delay = Math.floor(random() * (isSnapshot ? snapshotMs : backupMs) * 1.1);
    const outcome = await killAfter(t, [isSnapshot ? 'snapshot' : 'backup'], env, delay);
    t.diagnostic(`round ${round}: ${isSnapshot ? 'snapshot' : 'backup'} killed at ${delay} ms -> ${outcome}`);

    // restic's exclusive lock for check waits for no one, stale or not; `restic unlock` removes only
    // locks restic itself judges stale (same host, dead PID), so it passing proves ours are judged so.
    resticOk(repo, PASSWORD, ['unlock']);
    const check = restic(repo, PASSWORD, ['check']);
    assert.equal(check.code, 0, `restic check after round ${round} (seed ${seed}):\n${check.stdout}\n${check.stderr}`);
  }

  // Every earlier snapshot restores byte for byte, through restic itself.
  const restored = join(dir, 'restored-files');
  resticOk(repo, PASSWORD, ['restore', baseBackup.snapshotId, '--target', restored]);
  assert.equal(fingerprint(join(restored, files)), baselineFiles);
  const restoredDbDir = join(dir, 'restored-db');
  resticOk(repo, PASSWORD, ['restore', baseline.snapshotId, '--target', restoredDbDir]);
  const manifest = JSON.parse(readFileSync(join(restoredDbDir, 'trading.db.manifest.json'), 'utf8')) as { sha256: string; join: string };
  execFileSync('sh', ['-c', manifest.join], { cwd: restoredDbDir });
  assert.equal(sha256File(join(restoredDbDir, 'trading.db')), baseline.sha256);

  // The next runs succeed, and the whole repository reads back.
  const tmp = join(home, 'tmp');
  const leftBehind = () => (existsSync(tmp) ? readdirSync(tmp) : []);
  t.diagnostic(`left in tmp/ by the killed runs: ${leftBehind().join(', ') || 'nothing'}`);
  // And one kill that surely lands mid-copy, leaving a plain copy of the database behind.
  touchDb();
  const midCopy = await killMidCopy(t, env, tmp);
  t.diagnostic(`left in tmp/ by the kill mid-copy: ${midCopy.join(', ')}`);
  assert.ok(midCopy.some((n) => n.endsWith('.copy')), midCopy.join(', '));
  touchDb();
  const next = runCli(['snapshot', '--json'], env);
  assert.equal(next.code, 0, `snapshot after crashes (seed ${seed}): ${next.stderr}`);
  // Copies of the database that killed snapshots left in tmp/ are gone: the snapshot swept them.
  assert.deepEqual(leftBehind(), [], `tmp/ after the next snapshot (seed ${seed})`);
  const nextBackup = runCli(['backup', '--json'], env);
  assert.equal(nextBackup.code, 0, `backup after crashes (seed ${seed}): ${nextBackup.stderr}`);
  resticOk(repo, PASSWORD, ['check', '--read-data']);
  const ours = runCli(['check', '--read-data'], env);
  assert.equal(ours.code, 0, ours.stdout + ours.stderr);
  const status = parseJsonOutput<{ lastRuns: Record<string, { result: string } | null> }>(runCli(['status', '--json'], { home }));
  assert.equal(status.lastRuns.snapshot?.result, 'success');
});
