/**
 * `npm run build` bundles what the packaged app runs: the renderer, the
 * preload, the Electron main process and the CLI its jobs run with, each Node
 * bundle with its worker bundles. The bundled CLI is run for real here, so a
 * worker that only loads from the TypeScript sources fails this test.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { REPO_ROOT } from '../support/cli.ts';
import { sha256File } from '../support/fingerprint.ts';
import { tempDir } from '../support/temp-dir.ts';
import { createTradingDb } from '../support/trading-db.ts';

test('the build bundles main, CLI, workers, preload and renderer, and the bundled CLI snapshots and restores', async (t) => {
  execFileSync(process.execPath, [join(REPO_ROOT, 'scripts', 'build.mjs'), '--skip-typecheck'], { cwd: REPO_ROOT, stdio: 'pipe' });
  for (const file of ['out/main/shell/main.js', 'out/main/shell/copy-worker.js', 'out/main/cli/quantai-backup.js', 'out/main/cli/verify-worker.js', 'out/main/cli/generation-worker.js', 'out/preload/preload.cjs', 'out/renderer/index.html', 'out/renderer/app.js']) {
    assert.ok(existsSync(join(REPO_ROOT, file)), `${file} was not built`);
  }

  const dir = tempDir(t);
  const db = join(dir, 'trading.db');
  await createTradingDb(db, { accounts: 5, trades: 500 });
  const env: NodeJS.ProcessEnv = { ...process.env, QUANTAI_BACKUP_HOME: join(dir, 'home'), QUANTAI_BACKUP_PASSWORD: 'bundle test' };
  delete env.NODE_TEST_CONTEXT;
  // Run from a folder without the sources beside the bundle: only the bundled workers can load.
  const cli = (...args: string[]) => spawnSync(process.execPath, [join(REPO_ROOT, 'out', 'main', 'cli', 'quantai-backup.js'), ...args], { cwd: dir, env, encoding: 'utf8' });
  for (const args of [['init', '--db', db, '--repo', join(dir, 'repo')], ['snapshot', '--json']]) {
    const r = cli(...args);
    assert.equal(r.status, 0, `${args[0]}: ${r.stderr}`);
  }
  const restored = join(dir, 'restored.db');
  const r = cli('restore', 'latest', '--to', restored, '--json');
  assert.equal(r.status, 0, r.stderr);
  assert.equal(JSON.parse(r.stdout).sha256, sha256File(restored));
  assert.equal(JSON.parse(r.stdout).integrityCheck, 'ok');

  // Real-time replication starts each generation from a base image taken on its own worker.
  const replicate = spawn(process.execPath, [join(REPO_ROOT, 'out', 'main', 'cli', 'quantai-backup.js'), 'replicate', '--interval', '200'], { cwd: dir, env });
  t.after(() => replicate.kill('SIGKILL'));
  let out = '';
  replicate.stdout.on('data', (d: Buffer) => (out += d.toString()));
  replicate.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => replicate.once('exit', (code) => resolve(code)));
  const deadline = Date.now() + 60_000;
  while (!/new generation [0-9a-f]{16}/.test(out) && replicate.exitCode === null && Date.now() < deadline) await new Promise((res) => setTimeout(res, 100));
  replicate.kill('SIGTERM');
  assert.equal(await exited, 0, `the bundled replicate: ${out}`);
  assert.match(out, /new generation [0-9a-f]{16} \(base snapshot [0-9a-f]{8}\)/);
  const status = cli('replication', 'status', '--json');
  assert.equal(status.status, 0, status.stderr);
  assert.equal(JSON.parse(status.stdout).state, 'stopped');
});
