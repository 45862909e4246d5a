/**
 * A CLI home with a real repository holding several database snapshots and
 * file backups, for the prune command tests, and forget done the way forget
 * does it (snapshot files removed under the exclusive lock). The backups are
 * taken in-process by the same engine the CLI builds (a CLI start costs
 * seconds on a loaded machine); the commands under test run through the
 * CLI's main(), in this process unless a real process is what is tested.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { appendFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import Database from 'better-sqlite3';
import { LocalBackend } from '../../../main/engine/backends/local-backend.ts';
import { Repository } from '../../../main/engine/repo/repository.ts';
import { createEngine, type Engine } from '../../../main/engine/engine.ts';
import { main } from '../../../main/cli/main.ts';
import type { CliEnv, CliResult } from '../../support/cli.ts';
import { fingerprint, sha256File } from '../../support/fingerprint.ts';
import { resticOk } from '../../support/restic.ts';
import { tempDir } from '../../support/temp-dir.ts';
import { createTradingDb } from '../../support/trading-db.ts';

export const PASSWORD = 'prune-test-password';

export interface Taken {
  id: string;
  kind: 'db' | 'files';
  /** SHA-256 of the database (db) or the folder's fingerprint (files). */
  digest: string;
}

export interface PruneHome {
  dir: string;
  repo: string;
  db: string;
  files: string;
  env: CliEnv;
  engine: Engine;
  taken: Taken[];
}

export async function pruneHome(t: TestContext, rounds: number, dbBytes = 4 * 1024 * 1024): Promise<PruneHome> {
  const dir = tempDir(t);
  const repo = join(dir, 'repo');
  const db = join(dir, 'trading.db');
  const files = join(dir, 'files');
  mkdirSync(files);
  for (let i = 0; i < 3; i++) writeFileSync(join(files, `blob-${i}.bin`), randomBytes(512 * 1024));
  await createTradingDb(db, { accounts: 30, trades: 3_000, targetBytes: dbBytes });
  const env: CliEnv = { home: join(dir, 'home'), password: PASSWORD };
  const engine = createEngine({ home: env.home, kdf: { N: 1024, r: 8, p: 1 }, secrets: { repositoryPassword: async () => PASSWORD, secret: async () => null } });
  t.after(() => engine.close());
  await engine.initialize({ repoPath: repo, dbPath: db, files: [files] });
  const home: PruneHome = { dir, repo, db, files, env, engine, taken: [] };
  for (let round = 0; round < rounds; round++) await takeBoth(home, round);
  return home;
}

/** Changes the database and the files, then takes one database snapshot and one file backup. */
export async function takeBoth(home: PruneHome, round: number): Promise<void> {
  const conn = new Database(home.db);
  conn.prepare("UPDATE trades SET memo = hex(randomblob(200)) WHERE rowid % 7 = ?").run(round % 7);
  conn.close();
  writeFileSync(join(home.files, `round-${round}.bin`), randomBytes(256 * 1024));
  appendFileSync(join(home.files, 'blob-0.bin'), randomBytes(64 * 1024));
  const snap = await home.engine.snapshotDatabase();
  home.taken.push({ id: snap.snapshotId, kind: 'db', digest: snap.sha256 });
  const backup = await home.engine.backupFiles();
  home.taken.push({ id: backup.snapshotId, kind: 'files', digest: fingerprint(home.files) });
}

/**
 * The CLI's main() in this process, with the home's password: the same
 * commands and output as the binary, without a Node start-up (seconds on a
 * loaded machine). Tests spawn the binary only where the process is what is
 * tested (kill -9, one exit code).
 */
export async function cli(args: string[], env: CliEnv): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const vars: NodeJS.ProcessEnv = { QUANTAI_BACKUP_HOME: env.home };
  if (env.password !== undefined) vars.QUANTAI_BACKUP_PASSWORD = env.password;
  const code = await main(args, { stdout: (x) => { stdout += x; }, stderr: (x) => { stderr += x; }, env: vars, stderrIsTty: false });
  return { code, stdout, stderr };
}

/** What forget does to the repository: the snapshot files go, under the exclusive lock. */
export async function forget(home: PruneHome, ids: readonly string[]): Promise<void> {
  const repository = await Repository.open(new LocalBackend(home.repo), PASSWORD);
  const lock = await repository.lock({ exclusive: true });
  try {
    for (const id of ids) await repository.backend.remove({ type: 'snapshot', name: id });
  } finally {
    await lock.release();
  }
}

/** Restores one snapshot with restic and compares it with what was backed up. */
export function assertRestores(home: PruneHome, taken: Taken, where: string): void {
  const target = join(home.dir, where);
  resticOk(home.repo, PASSWORD, ['restore', taken.id, '--target', target]);
  if (taken.kind === 'files') {
    assert.equal(fingerprint(join(target, home.files)), taken.digest, `files snapshot ${taken.id.slice(0, 8)} restores byte for byte`);
    return;
  }
  const manifest = JSON.parse(readFileSync(join(target, 'trading.db.manifest.json'), 'utf8')) as { join: string };
  execFileSync('sh', ['-c', manifest.join], { cwd: target });
  assert.equal(sha256File(join(target, 'trading.db')), taken.digest, `database snapshot ${taken.id.slice(0, 8)} restores byte for byte`);
}
