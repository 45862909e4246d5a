/**
 * Opening and creating the configured repository, with the guards that keep a
 * backup from landing somewhere it should not: an unmounted NAS, a non-empty
 * folder that is not a repository, a path the user did not mean.
 */
import { mkdir, readdir } from 'node:fs/promises';
import { LocalBackend } from './backends/local-backend.ts';
import { BackupError } from './errors.ts';
import { findMissingMount, type MountTables } from './home/mount-guard.ts';
import { Repository } from './repo/repository.ts';

export interface RepoAccessOptions {
  mountTables: () => MountTables;
  kdf?: { N: number; r: number; p: number };
}

function refuseUnmounted(path: string, options: RepoAccessOptions): void {
  const missing = findMissingMount(path, options.mountTables());
  if (missing) {
    throw new BackupError('fatal', `repository ${path} is on ${missing}, which is not mounted: mount it, then run again`);
  }
}

async function folderEntries(path: string): Promise<string[] | null> {
  try {
    return await readdir(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new BackupError('permanent', `cannot read the repository folder ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}

/** Opens an existing repository; never creates one. */
export async function openRepository(path: string, password: string, options: RepoAccessOptions): Promise<Repository> {
  refuseUnmounted(path, options);
  const backend = new LocalBackend(path);
  if (!(await backend.exists())) {
    const entries = await folderEntries(path);
    if (entries === null) {
      throw new BackupError('fatal', `no repository at ${path}: the folder does not exist (is the NAS or drive mounted?)`);
    }
    if (entries.length === 0) {
      throw new BackupError('fatal', `no repository at ${path}: the folder is empty (is the NAS or drive mounted? run \`quantai-backup init\` only for a new repository)`);
    }
    throw new BackupError('fatal', `${path} is not a repository (no config file): check the path`);
  }
  return Repository.open(backend, password);
}

/**
 * `init`: connects to an existing repository, or creates one in a folder that
 * does not exist yet or is empty. Refuses a non-empty folder without a config.
 */
export async function openOrCreateRepository(
  path: string,
  password: string,
  options: RepoAccessOptions,
): Promise<{ repository: Repository; created: boolean }> {
  refuseUnmounted(path, options);
  const backend = new LocalBackend(path);
  if (await backend.exists()) return { repository: await Repository.open(backend, password), created: false };
  const entries = await folderEntries(path);
  if (entries !== null && entries.length > 0) {
    throw new BackupError('permanent', `${path} is not empty and holds no repository: choose an empty or new folder`);
  }
  await mkdir(path, { recursive: true });
  const repository = await Repository.init(backend, password, options.kdf ? { kdf: options.kdf } : {});
  return { repository, created: true };
}
