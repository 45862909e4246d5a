/**
 * Bad input gets one clear line naming the problem, a non-zero exit, and leaves
 * the repository exactly as it was.
 */
import assert from 'node:assert/strict';
import { chmodSync, chownSync, lstatSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { runCli, type CliEnv, type CliResult } from '../../support/cli.ts';
import { assertUnchangedButLog, fingerprint } from '../../support/fingerprint.ts';
import { tempDir } from '../../support/temp-dir.ts';
import { createTradingDb } from '../../support/trading-db.ts';

const PASSWORD = 'pw-for-bad-input-tests';

function assertOneLineError(r: CliResult, pattern: RegExp, code = 1): void {
  assert.equal(r.code, code, `exit code; stderr: ${r.stderr}`);
  const lines = r.stderr.trim().split('\n');
  assert.equal(lines.length, 1, `exactly one line on stderr, got:\n${r.stderr}`);
  assert.match(lines[0]!, /^quantai-backup: error: /);
  assert.match(lines[0]!, pattern);
}

async function setUp(t: TestContext) {
  const dir = tempDir(t);
  const home = join(dir, 'home');
  const repo = join(dir, 'repo');
  const db = join(dir, 'trading.db');
  const files = join(dir, 'files');
  mkdirSync(files);
  writeFileSync(join(files, 'a.txt'), 'a');
  await createTradingDb(db, { accounts: 5, trades: 200 });
  const env: CliEnv = { home, password: PASSWORD };
  const init = runCli(['init', '--db', db, '--repo', repo, '--files', files], env);
  assert.equal(init.code, 0, init.stderr);
  assert.equal(runCli(['snapshot'], env).code, 0);
  return { dir, home, repo, db, files, env };
}

test('a wrong password is named as such and changes nothing', async (t) => {
  const s = await setUp(t);
  const before = fingerprint(s.repo);
  assertOneLineError(runCli(['snapshot'], { ...s.env, password: 'wrong' }), /repository password is wrong/);
  assertOneLineError(runCli(['backup'], { ...s.env, password: 'wrong' }), /repository password is wrong/);
  assertUnchangedButLog(before, fingerprint(s.repo));
});

test('no password at all says how to provide one; --password is refused', async (t) => {
  const s = await setUp(t);
  const before = fingerprint(s.repo);
  assertOneLineError(runCli(['snapshot'], { home: s.home }), /QUANTAI_BACKUP_PASSWORD_FILE/);
  assertOneLineError(runCli(['snapshot', '--password', 'x'], s.env), /never command-line arguments/, 2);
  assertUnchangedButLog(before, fingerprint(s.repo));
});

test('a missing database and a file that is not SQLite are named', async (t) => {
  const s = await setUp(t);
  const before = fingerprint(s.repo);
  rmSync(s.db);
  rmSync(`${s.db}-wal`, { force: true });
  rmSync(`${s.db}-shm`, { force: true });
  assertOneLineError(runCli(['snapshot'], s.env), new RegExp(`${s.db.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}`));
  writeFileSync(s.db, 'this is a spreadsheet export, not a database\n'.repeat(200));
  assertOneLineError(runCli(['snapshot'], s.env), /not (a|an) (SQLite )?database/i);
  assertUnchangedButLog(before, fingerprint(s.repo));
});

test('a bad config names every bad key and exits 2', async (t) => {
  const s = await setUp(t);
  const before = fingerprint(s.repo);
  writeFileSync(join(s.home, 'config.json'), JSON.stringify({ repository: { path: s.repo }, databse: { path: s.db }, files: { sources: [{ path: 'relative' }] } }));
  const r = runCli(['snapshot'], s.env);
  assertOneLineError(r, /unknown key "databse"/, 2);
  assert.match(r.stderr, /files\.sources\.0\.path: must be an absolute path/);
  assertUnchangedButLog(before, fingerprint(s.repo));
});

test('a repository path whose drive is not mounted is refused, never initialised', async (t) => {
  const s = await setUp(t);
  const emptyMountPoint = join(s.dir, 'nas-mount-point');
  mkdirSync(emptyMountPoint);
  const config = { version: 1, repository: { path: emptyMountPoint }, database: { path: s.db }, files: { sources: [], excludes: [] } };
  writeFileSync(join(s.home, 'config.json'), JSON.stringify(config));
  assertOneLineError(runCli(['snapshot'], s.env), /no repository at .*empty or missing.*mounted/);
  assert.equal(fingerprint(emptyMountPoint), 'd .', 'nothing was written into the empty mount point');
  config.repository.path = join(s.dir, 'missing-nas');
  writeFileSync(join(s.home, 'config.json'), JSON.stringify(config));
  assertOneLineError(runCli(['snapshot'], s.env), /no repository at .*empty or missing.*mounted/);
  assert.equal(fingerprint(join(s.dir, 'missing-nas')), '(absent)');
});

test('init refuses a non-empty folder that is not a repository', async (t) => {
  const dir = tempDir(t);
  const notRepo = join(dir, 'documents');
  mkdirSync(notRepo);
  writeFileSync(join(notRepo, 'letter.txt'), 'keep me');
  const before = fingerprint(notRepo);
  assertOneLineError(runCli(['init', '--repo', notRepo], { home: join(dir, 'home'), password: PASSWORD }), /not empty and holds no repository/);
  assert.equal(fingerprint(notRepo), before);
});

test('an unreadable source folder fails the backup in one line; the repository is untouched', async (t) => {
  if (process.getuid?.() !== 0) {
    t.skip('needs root to create a folder another user cannot read');
    return;
  }
  const s = await setUp(t);
  // The CLI runs as nobody, who owns everything but the secret folder.
  const nobody = { uid: 65534, gid: 65534 };
  chmodSync(s.dir, 0o755);
  for (const p of [s.home, s.repo, s.files, s.db]) chownRecursive(p, nobody.uid, nobody.gid);
  const secret = join(s.dir, 'secret');
  mkdirSync(secret, { mode: 0o700 });
  writeFileSync(join(secret, 'p.txt'), 'x');
  const config = { version: 1, repository: { path: s.repo }, files: { sources: [{ path: secret, tier: 2 }], excludes: [] } };
  writeFileSync(join(s.home, 'config.json'), JSON.stringify(config));
  const before = fingerprint(s.repo);
  assertOneLineError(runCli(['backup'], { ...s.env, asUser: nobody }), new RegExp(`cannot read.*${secret.replace(/[/.]/g, '\\$&')}|${secret.replace(/[/.]/g, '\\$&')}.*(permission|cannot read|unreadable)`, 'i'));
  assertUnchangedButLog(before, fingerprint(s.repo));
});

function chownRecursive(path: string, uid: number, gid: number): void {
  chownSync(path, uid, gid);
  if (lstatSync(path).isDirectory()) for (const name of readdirSync(path)) chownRecursive(join(path, name), uid, gid);
}
