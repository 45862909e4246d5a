/**
 * Offsite drives as places to read from: `restore --from offsite:<label>`,
 * `check --from offsite:<label>`, and one drill destination per enrolled drive
 * mounted right now (a drive in the vault is not a failed drill). Reading
 * needs the same identity proof as writing: a look-alike drive is refused.
 */
import { LocalBackend } from '../backends/local-backend.ts';
import type { Catalog } from '../catalog/catalog.ts';
import { BackupError } from '../errors.ts';
import type { Logger } from '../logger.ts';
import { Repository } from '../repo/repository.ts';
import type { MountedVolume } from './drive-identity.ts';
import { requireMountedDrive, scanDrivesSync, type MountedDrive } from './mounted-drives.ts';
import { OffsiteStore } from './offsite-store.ts';

/** Opens the repository on the enrolled drive `label` (the only mounted one when absent). */
export async function openOffsiteRepository(catalog: Catalog, password: string, label?: string, volumes?: readonly MountedVolume[]): Promise<Repository> {
  const mounted = await requireMountedDrive(new OffsiteStore(catalog), label, volumes);
  return openDriveRepository(mounted, password);
}

export async function openDriveRepository(mounted: MountedDrive, password: string): Promise<Repository> {
  const backend = new LocalBackend(mounted.repositoryPath);
  if (!(await backend.exists())) {
    throw new BackupError('not-found', `offsite drive '${mounted.drive.label}' holds no copy yet: run \`quantai-backup offsite copy --label ${mounted.drive.label}\``);
  }
  return Repository.open(backend, password);
}

/**
 * Enrolled drives mounted now whose identity checks out (synchronous: the
 * destination list is). A mount table that cannot be read drops the offsite
 * destinations with a warning rather than failing the local and cloud drills.
 */
export function mountedDrivesNow(catalog: Catalog, logger: Logger, volumes?: readonly MountedVolume[]): MountedDrive[] {
  try {
    return scanDrivesSync(new OffsiteStore(catalog), volumes).mounted;
  } catch (err) {
    logger.log('warn', `offsite drives left out: ${err instanceof Error ? err.message : String(err)}`);
    return [];
  }
}
