/**
 * `offsite enroll <mount> --label NAME`: makes a mounted drive an offsite
 * drive. Only a real mount point with a file-system UUID qualifies (an
 * unmounted mount point is a folder on the system disk); a label or drive
 * already enrolled is refused. The marker is written before the catalog row,
 * so a crash in between leaves a drive that can simply be enrolled again.
 * Nothing is copied here.
 */
import { randomBytes } from 'node:crypto';
import type { Catalog } from '../catalog/catalog.ts';
import type { Clock } from '../clock.ts';
import { BackupError, ConfigError } from '../errors.ts';
import { volumeAt, type MountedVolume } from './drive-identity.ts';
import { markerPath, readMarker, writeMarker } from './drive-marker.ts';
import { OffsiteStore, type EnrolledDrive } from './offsite-store.ts';

/** Labels appear in `--from offsite:<label>` and file names: keep them plain. */
const LABEL = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export function validateDriveLabel(label: string): string {
  if (!LABEL.test(label)) {
    throw new ConfigError(`offsite drive label ${JSON.stringify(label)} is not valid: use 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit`);
  }
  return label;
}

export interface EnrolDeps {
  catalog: Catalog;
  clock: Clock;
  /** The local repository's id, recorded in the marker so a drive never mixes two repositories. */
  repositoryId: string;
  /** Mounted volumes (tests); read from the system when absent. */
  volumes?: readonly MountedVolume[];
}

export async function enrollDrive(deps: EnrolDeps, mountPath: string, label: string): Promise<EnrolledDrive> {
  validateDriveLabel(label);
  const store = new OffsiteStore(deps.catalog);
  const volume = await volumeAt(mountPath, deps.volumes);
  if (!volume) {
    throw new BackupError('permanent', `${mountPath} is not a mount point: mount the drive there first (nothing was written)`);
  }
  if (volume.mountPath === '/') {
    throw new BackupError('permanent', `${mountPath} is the system's root file system, not a removable drive: nothing was written`);
  }
  if (!volume.uuid) {
    throw new BackupError('permanent', `the ${volume.fsType} file system at ${volume.mountPath} has no UUID to identify it by: format the drive as ext4, exfat or vfat first (nothing was written)`);
  }
  const sameDrive = store.driveByUuid(volume.uuid);
  if (sameDrive) {
    throw new BackupError('permanent', `the drive at ${volume.mountPath} (UUID ${volume.uuid}) is already enrolled as '${sameDrive.label}'`);
  }
  const sameLabel = store.driveByLabel(label);
  if (sameLabel) {
    throw new BackupError('permanent', `the label '${label}' is already enrolled for another drive (UUID ${sameLabel.fsUuid}): choose another label`);
  }
  const existing = await readMarker(volume.mountPath);
  if (existing && existing.repository_id !== deps.repositoryId) {
    throw new BackupError('permanent', `the drive at ${volume.mountPath} is enrolled for another repository (${existing.repository_id.slice(0, 8)}, label '${existing.label}'): remove ${markerPath(volume.mountPath)} to reuse the drive (nothing was written)`);
  }
  // A marker of this repository without a catalog row (a lost or rebuilt catalog): enrol again with a new marker.
  const enrolledAt = deps.clock.now().toISOString();
  const markerId = randomBytes(16).toString('hex');
  await writeMarker(volume.mountPath, {
    format: 1, marker_id: markerId, label, fs_uuid: volume.uuid, fs_label: volume.label, enrolled_at: enrolledAt, repository_id: deps.repositoryId,
  });
  const drive = store.addDrive({ label, fsUuid: volume.uuid, fsType: volume.fsType || null, markerId, enrolledAt });
  deps.catalog.addEvent({
    time: enrolledAt, level: 'info', type: 'offsite-enrolled',
    message: `enrolled offsite drive '${label}' (${volume.fsType}, UUID ${volume.uuid}) mounted at ${volume.mountPath}`,
    data: { driveId: drive.id, label, fsUuid: volume.uuid, fsType: volume.fsType, mountPath: volume.mountPath },
  });
  return drive;
}
