/**
 * `quantai-backup replicate` and `replication status` through the real CLI:
 * kill -9 of the replicator while it ships, then a restart that resumes the
 * generation or starts a new one and says so; SIGTERM ships what is committed
 * and exits 0; the replica then equals the database.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { test } from 'node:test';
import type { ChildProcess } from 'node:child_process';
import { LocalBackend } from '../../../main/engine/backends/local-backend.ts';
import { createEngine } from '../../../main/engine/engine.ts';
import { Repository } from '../../../main/engine/repo/repository.ts';
import { parseJsonOutput, runCli, startCli, type CliEnv } from '../../support/cli.ts';
import { tempDir } from '../../support/temp-dir.ts';
import { checkInvariant, createTradingDb } from '../../support/trading-db.ts';
import { startTradingWriter } from '../../support/trading-writer.ts';
import { rebuildLatestGeneration } from '../../support/replica-rebuild.ts';

const PASSWORD = 'replicate-cli-test';

/** Collects a child's output and resolves when a line matches. */
function watch(child: ChildProcess) {
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    exited,
    stdout: () => stdout,
    stderr: () => stderr,
    async waitFor(pattern: RegExp, timeoutMs = 60_000): Promise<string> {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const m = pattern.exec(stdout);
        if (m) return m[0];
        if (child.exitCode !== null || Date.now() > deadline) throw new Error(`no ${pattern} (exit ${child.exitCode}):\n${stdout}\n${stderr}`);
        await sleep(50);
      }
    },
  };
}

async function setup(t: test.TestContext) {
  const dir = tempDir(t);
  const home = join(dir, 'home');
  const dbPath = join(dir, 'trading.db');
  createTradingDb(dbPath, { accounts: 20, trades: 500 });
  const engine = createEngine({ home, kdf: { N: 1024, r: 8, p: 1 }, secrets: { repositoryPassword: async () => PASSWORD } as never });
  await engine.initialize({ repoPath: join(dir, 'repo'), dbPath });
  engine.close();
  const env: CliEnv = { home, password: PASSWORD };
  return { dir, home, dbPath, env, repoPath: join(dir, 'repo') };
}

test('kill -9 of the replicator mid-shipping: the restart resumes or starts a new generation and says so; SIGTERM ships the rest', { timeout: 180_000 }, async (t) => {
  const { dir, dbPath, env, repoPath } = await setup(t);
  const writer = await startTradingWriter(dbPath, 1000);
  t.after(() => void writer.stop().catch(() => undefined));

  const first = startCli(['replicate', '--interval', '200'], env);
  t.after(() => first.kill('SIGKILL'));
  const w1 = watch(first);
  await w1.waitFor(/new generation [0-9a-f]{16}/);
  await sleep(2500);
  first.kill('SIGKILL');
  await w1.exited;

  const second = startCli(['replicate', '--interval', '200'], env);
  t.after(() => second.kill('SIGKILL'));
  const w2 = watch(second);
  const said = await w2.waitFor(/resuming generation [0-9a-f]{16} after frame \d+|new generation [0-9a-f]{16} \(base snapshot [0-9a-f]{8}\): .+/);
  t.diagnostic(`after kill -9: ${said}`);
  await sleep(2500);
  const stats = await writer.stop();
  second.kill('SIGTERM');
  assert.equal(await w2.exited, 0, `replicate exits 0 after SIGTERM: ${w2.stderr()}`);
  assert.match(w2.stdout(), /replication stopped: generation [0-9a-f]{16}/);
  t.diagnostic(`writer ${stats.commits} commits, p99 ${stats.p99Ms.toFixed(2)} ms`);

  const status = parseJsonOutput<{ state: string; generation: string; frameSeq: number }>(runCli(['replication', 'status', '--json'], env));
  assert.equal(status.state, 'stopped');

  const repo = await Repository.open(new LocalBackend(repoPath), PASSWORD);
  const rebuilt = join(dir, 'rebuilt.db');
  const report = await rebuildLatestGeneration(repo, dbPath, rebuilt);
  assert.equal(report.generation, status.generation);
  assert.deepEqual(checkInvariant(rebuilt).violations, []);
  assert.deepEqual(checkInvariant(rebuilt).counts, checkInvariant(dbPath).counts, 'the replica holds every committed trade');
});

test('replicate without a configured database fails in one line; status says replication is off', async (t) => {
  const dir = tempDir(t);
  const home = join(dir, 'home');
  const engine = createEngine({ home, kdf: { N: 1024, r: 8, p: 1 }, secrets: { repositoryPassword: async () => PASSWORD } as never });
  await engine.initialize({ repoPath: join(dir, 'repo') });
  engine.close();
  const r = runCli(['replicate'], { home, password: PASSWORD });
  assert.equal(r.code, 1);
  assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
  assert.match(r.stderr, /no database configured.*init --db/);
  const status = parseJsonOutput<{ state: string }>(runCli(['replication', 'status', '--json'], { home }));
  assert.equal(status.state, 'off');
  const bad = runCli(['replicate', '--interval', 'soon'], { home, password: PASSWORD });
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--interval soon/);
});
