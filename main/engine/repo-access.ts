/**
 * Opening and creating the configured repository, with the guards that keep a
 * backup from landing somewhere it should not: an unmounted NAS or drive, a
 * non-empty folder that is not a repository. Repository.open itself refuses a
 * folder without a repository config; this adds the mount check before it.
 */
import { LocalBackend } from './backends/local-backend.ts';
import { BackupError } from './errors.ts';
import { findMissingMount, type MountTables } from './home/mount-guard.ts';
import { Repository } from './repo/repository.ts';

export interface RepoAccessOptions {
  mountTables: () => MountTables;
  kdf?: { N: number; r: number; p: number } | undefined;
}

function refuseUnmounted(path: string, options: RepoAccessOptions): void {
  const missing = findMissingMount(path, options.mountTables());
  if (missing) {
    throw new BackupError('fatal', `repository ${path} is on ${missing}, which is not mounted: mount it, then run again`);
  }
}

/** Opens an existing repository; never creates one. */
export async function openRepository(path: string, password: string, options: RepoAccessOptions): Promise<Repository> {
  refuseUnmounted(path, options);
  return Repository.open(new LocalBackend(path), password);
}

/**
 * `init`: connects to an existing repository, or creates one in a folder that
 * does not exist yet or is empty (the backend refuses a non-empty folder).
 */
export async function openOrCreateRepository(
  path: string,
  password: string,
  options: RepoAccessOptions,
): Promise<{ repository: Repository; created: boolean }> {
  refuseUnmounted(path, options);
  const backend = new LocalBackend(path);
  if (await backend.exists()) return { repository: await Repository.open(backend, password), created: false };
  const repository = await Repository.init(backend, password, options.kdf ? { kdf: options.kdf } : {});
  return { repository, created: true };
}
