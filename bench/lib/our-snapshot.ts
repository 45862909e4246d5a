/** Our side of the bench: a repository of our own writer and snapshotDatabase() timed from call to return. */
import { LocalBackend } from '../../main/engine/backends/local-backend.ts';
import { Repository } from '../../main/engine/repo/repository.ts';
import { snapshotDatabase } from '../../main/engine/sources/sqlite/database-snapshot.ts';
import type { DatabaseSnapshotResult } from '../../main/engine/sources/sqlite/database-snapshot.ts';

/** Cheap scrypt for the bench's throwaway key: key derivation happens once and is not part of any figure. */
const BENCH_KDF = { N: 1024, r: 8, p: 1 };

export function createBenchRepository(path: string, password: string): Promise<Repository> {
  return Repository.init(new LocalBackend(path), password, { kdf: BENCH_KDF });
}

export interface OurSnapshotRun {
  ms: number;
  result: DatabaseSnapshotResult;
}

export async function ourSnapshot(repo: Repository, dbPath: string, tmpDir: string, parent?: string): Promise<OurSnapshotRun> {
  const started = performance.now();
  const result = await snapshotDatabase(repo, { dbPath, tmpDir, hostname: 'bench', ...(parent ? { parent } : {}) });
  return { ms: performance.now() - started, result };
}
