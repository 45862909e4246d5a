/** `restore --at` through the real CLI: what a person can get wrong is one line and the right exit code. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createEngine } from '../../../main/engine/engine.ts';
import { runCli } from '../../support/cli.ts';
import { tempDir } from '../../support/temp-dir.ts';
import { createTradingDb } from '../../support/trading-db.ts';

const PASSWORD = 'restore-at';

function oneLine(stderr: string): string {
  const lines = stderr.trim().split('\n');
  assert.equal(lines.length, 1, `one line on stderr, got:\n${stderr}`);
  return lines[0]!;
}

test('restore --at refuses bad input in one line: usage errors exit 2, nothing to restore from exits 1', async (t) => {
  const dir = tempDir(t);
  const db = join(dir, 'trading.db');
  createTradingDb(db, { accounts: 2, trades: 10 });
  const home = join(dir, 'home');
  const engine = createEngine({ home, kdf: { N: 1024, r: 8, p: 1 }, secrets: { repositoryPassword: async () => PASSWORD, secret: async () => null } });
  await engine.initialize({ repoPath: join(dir, 'repo'), dbPath: db });
  engine.close();
  const env = { home, password: PASSWORD };
  const to = join(dir, 'out.db');

  const badTime = runCli(['restore', '--at', 'yesterday', '--to', to], env);
  assert.equal(badTime.code, 2);
  assert.match(oneLine(badTime.stderr), /--at "yesterday" is not understood: use RFC 3339 /);

  const both = runCli(['restore', 'latest', '--at', '2026-11-27T10:00:00Z', '--to', to], env);
  assert.equal(both.code, 2);
  assert.match(oneLine(both.stderr), /either a snapshot \(latest\) or --at, not both/);

  const neither = runCli(['restore', '--to', to], env);
  assert.equal(neither.code, 2);
  assert.match(oneLine(neither.stderr), /give the snapshot to restore .* or --at TIME/);

  // A valid time, but no replication has run: exit 1, saying what to do.
  const nothing = runCli(['restore', '--at', '2026-11-27 10:00', '--dry-run', '--to', to], env);
  assert.equal(nothing.code, 1);
  assert.match(oneLine(nothing.stderr), /no replication base snapshot: point-in-time restore needs `quantai-backup replicate`/);
  assert.equal(existsSync(to), false);
});
