/**
 * An app API over a real engine on a fresh home folder: in-memory secret
 * store, fast KDF, a clock the test moves, and a trading database and a
 * folder to protect. Nothing is set up until the test runs the wizard.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { createAppApi, type AppApi, type AppEvent } from '../../../main/app/app-api.ts';
import { createMemorySecretStore, type SecretStore } from '../../../main/app/secret-store.ts';
import { secretSourceFromStore } from '../../../main/app/secret-source.ts';
import { childProcessExecutor, createEngine, JOB_REGISTRY, silentLogger, type Engine } from '../../../main/engine/index.ts';
import type { IpcResult } from '../../../preload/ipc-contract.ts';
import { CLI_ENTRY } from '../../support/cli.ts';
import { tempDir } from '../../support/temp-dir.ts';
import { createTradingDb } from '../../support/trading-db.ts';

export const PASSWORD = 'app test password 7f3a9c';
export const FAST_KDF = { N: 1024, r: 8, p: 1 };

export interface AppFixture {
  dir: string;
  home: string;
  repoPath: string;
  dbPath: string;
  filesDir: string;
  engine: Engine;
  secrets: SecretStore;
  api: AppApi;
  events: AppEvent[];
  clock: { now(): Date; set(d: Date): void };
}

/**
 * `childProcesses`: run jobs the way the desktop app does, as `quantai-backup run <job>`
 * child processes (the password reaches them through the environment, as the shell's does).
 */
export function appFixture(t: TestContext, options: { childProcesses?: boolean } = {}): AppFixture {
  const dir = tempDir(t);
  const home = join(dir, 'home');
  const dbPath = join(dir, 'trading.db');
  const filesDir = join(dir, 'files');
  createTradingDb(dbPath, { accounts: 3, trades: 300 });
  mkdirSync(join(filesDir, 'models'), { recursive: true });
  writeFileSync(join(filesDir, 'strategy.py'), 'print("alpha")\n'.repeat(200));
  writeFileSync(join(filesDir, 'models', 'weights.bin'), Buffer.alloc(200_000, 7));
  let now = new Date('2026-03-02T22:00:00Z');
  const clock = { now: () => now, set: (d: Date) => { now = d; } };
  const secrets = createMemorySecretStore();
  const engine = createEngine({ home, clock, kdf: FAST_KDF, secrets: secretSourceFromStore(secrets) });
  const executor = options.childProcesses
    ? childProcessExecutor({
      command: [process.execPath, CLI_ENTRY],
      home,
      env: { ...process.env, QUANTAI_BACKUP_HOME: home, QUANTAI_BACKUP_PASSWORD: PASSWORD, NODE_TEST_CONTEXT: '' },
      isHeavy: (job) => JOB_REGISTRY[job].heavy,
      heavyNice: 10,
      logger: silentLogger,
      events: engine.events,
    })
    : undefined;
  const api = createAppApi({ engine, secrets, stateIntervalMs: 20, progressIntervalMs: 0, ...(executor ? { executor } : {}) });
  const events: AppEvent[] = [];
  api.subscribe((e) => events.push(e));
  t.after(async () => {
    await api.close();
    engine.close();
  });
  return { dir, home, repoPath: join(dir, 'repo'), dbPath, filesDir, engine, secrets, api, events, clock };
}

/** The value of an ok result; fails the test with the error otherwise. */
export function value<T>(result: IpcResult<T>): T {
  if (!result.ok) throw new Error(`expected ok, got ${result.error.kind}: ${result.error.message}`);
  return result.value;
}

export async function waitFor(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
