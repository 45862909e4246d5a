/**
 * A small real repository for the prune tests: five snapshots of a folder
 * that changes between them, so older snapshots own data no newer one has.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { LocalBackend } from '../../../../main/engine/backends/local-backend.ts';
import { Repository } from '../../../../main/engine/repo/repository.ts';
import type { Id } from '../../../../main/engine/repo/types.ts';
import { formatDate } from '../../../../main/engine/util/rfc3339.ts';
import { tempDir } from '../../../support/temp-dir.ts';
import { FAST_KDF, PASSWORD, readDirectory, storeDirectory } from '../repo/fixtures.ts';

export const PACK_SIZE = 96 * 1024;

export interface Fixture {
  dir: string;
  repoDir: string;
  repo: Repository;
  /** Snapshot id -> the file map it was taken from. */
  states: Map<Id, ReturnType<typeof readDirectory>>;
  ids: Id[];
}

/**
 * Five snapshots of a folder that changes between them: files rewritten,
 * appended to, deleted and added, so older snapshots own data no newer one has.
 */
export async function buildRepository(t: TestContext): Promise<Fixture> {
  const dir = tempDir(t);
  const src = join(dir, 'src');
  mkdirSync(join(src, 'sub'), { recursive: true });
  const repoDir = join(dir, 'repo');
  const repo = await Repository.init(new LocalBackend(repoDir), PASSWORD, { kdf: FAST_KDF, packSize: PACK_SIZE });
  const states = new Map<Id, ReturnType<typeof readDirectory>>();
  const ids: Id[] = [];
  for (let round = 0; round < 5; round++) {
    writeFileSync(join(src, `round-${round}.bin`), randomBytes(150 * 1024));
    writeFileSync(join(src, 'sub', 'ledger.csv'), Array.from({ length: 2000 + round * 300 }, (_, i) => `${i},${round},trade\n`).join(''));
    writeFileSync(join(src, 'rewritten.bin'), randomBytes(120 * 1024));
    if (round >= 2) rmSync(join(src, `round-${round - 2}.bin`));
    const tree = await storeDirectory(repo, src, 16 * 1024);
    const time = formatDate(new Date(Date.UTC(2026, 0, 1 + round)));
    const id = await repo.saveSnapshot({ time, tree, paths: [src], hostname: hostname(), username: 'tester', uid: 0, gid: 0, tags: ['kind:files'] });
    states.set(id, readDirectory(Buffer.from(src)));
    ids.push(id);
  }
  return { dir, repoDir, repo, states, ids };
}

/** What forget does to the repository: snapshot files removed under the exclusive lock. */
export async function forgetSnapshots(repo: Repository, ids: readonly Id[]): Promise<void> {
  const lock = await repo.lock({ exclusive: true });
  try {
    for (const id of ids) await repo.backend.remove({ type: 'snapshot', name: id });
  } finally {
    await lock.release();
  }
}

export function listing(repoDir: string): string[] {
  return ['data', 'index', 'snapshots'].flatMap((d) => {
    const out: string[] = [];
    const walk = (p: string): void => {
      for (const e of readdirSync(p, { withFileTypes: true })) {
        if (e.isDirectory()) walk(join(p, e.name));
        else out.push(join(p, e.name).slice(repoDir.length));
      }
    };
    walk(join(repoDir, d));
    return out.sort();
  });
}

