/**
 * Shared by the file backup and restore tests: a fresh repository with a
 * fast KDF, and the real restic CLI run against it as the oracle.
 */
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { resticOk } from '../../../../support/restic.ts';
import { LocalBackend } from '../../../../../main/engine/backends/local-backend.ts';
import { Repository } from '../../../../../main/engine/repo/repository.ts';

export const PASSWORD = 'correct horse battery staple';
export const FAST_KDF = { N: 1024, r: 8, p: 1 };

export async function newRepository(dir: string): Promise<{ repo: Repository; path: string }> {
  const path = join(dir, 'repo');
  const repo = await Repository.init(new LocalBackend(path), PASSWORD, { kdf: FAST_KDF });
  return { repo, path };
}

/** Runs restic on the repository; throws with its output when it fails. */
export function restic(_t: TestContext, repoPath: string, args: string[]): string {
  return resticOk(repoPath, PASSWORD, args);
}
