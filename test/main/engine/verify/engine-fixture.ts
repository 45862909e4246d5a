/**
 * An engine on a fresh home folder and repository for the verification and
 * drill tests: fast KDF, a clock the test moves, and helpers to damage packs.
 */
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { TestContext } from 'node:test';
import { LocalBackend } from '../../../../main/engine/backends/local-backend.ts';
import { createEngine, type Engine } from '../../../../main/engine/engine.ts';
import { Repository } from '../../../../main/engine/repo/repository.ts';
import type { Id } from '../../../../main/engine/repo/types.ts';
import { tempDir } from '../../../support/temp-dir.ts';

export const PASSWORD = 'correct horse battery staple';
export const FAST_KDF = { N: 1024, r: 8, p: 1 };

export interface MovableClock {
  now(): Date;
  set(date: Date): void;
}

export function movableClock(start: Date): MovableClock {
  let current = start;
  return { now: () => current, set: (d) => { current = d; } };
}

export interface EngineFixture {
  dir: string;
  home: string;
  repoPath: string;
  engine: Engine;
  clock: MovableClock;
}

/** A file tree described as data: relative path -> content. */
export function writeTree(root: string, files: Record<string, string | Buffer>): void {
  for (const [rel, content] of Object.entries(files)) {
    const path = join(root, rel);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, content);
  }
}

export async function engineFixture(t: TestContext, init: { dbPath?: string; files?: string[]; verification?: unknown }): Promise<EngineFixture> {
  const dir = tempDir(t);
  const home = join(dir, 'home');
  const repoPath = join(dir, 'repo');
  const clock = movableClock(new Date('2026-01-05T03:00:00Z'));
  const engine = createEngine({
    home, clock, kdf: FAST_KDF,
    secrets: { repositoryPassword: async () => PASSWORD, secret: async () => null },
  });
  t.after(() => engine.close());
  await engine.initialize({ repoPath, ...(init.dbPath ? { dbPath: init.dbPath } : {}), ...(init.files ? { files: init.files } : {}) });
  if (init.verification !== undefined) {
    const configFile = join(home, 'config.json');
    const config = JSON.parse(readFileSync(configFile, 'utf8')) as Record<string, unknown>;
    writeFileSync(configFile, JSON.stringify({ ...config, verification: init.verification }));
  }
  return { dir, home, repoPath, engine, clock };
}

/** Opens the fixture's repository in this process, e.g. to write with small packs or to look up a blob's pack. */
export function openRepo(repoPath: string, packSize?: number): Promise<Repository> {
  return Repository.open(new LocalBackend(repoPath), PASSWORD, packSize ? { packSize } : {});
}

export function packPath(repoPath: string, id: Id): string {
  return join(repoPath, 'data', id.slice(0, 2), id);
}

/** Flips one byte of a pack file (stored read-only, as restic does) `at` bytes from its start. */
export function flipByte(repoPath: string, pack: Id, at = 20): void {
  const path = packPath(repoPath, pack);
  chmodSync(path, 0o600);
  const bytes = readFileSync(path);
  bytes[at] = bytes[at]! ^ 0xff;
  writeFileSync(path, bytes);
  chmodSync(path, 0o400);
}
