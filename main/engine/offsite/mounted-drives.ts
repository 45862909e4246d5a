/**
 * Which enrolled drives are mounted now, with their identity checked: the
 * volume's file-system UUID names a catalog row, and the marker on the drive
 * carries that row's marker id. Anything else (an unknown disk, a disk with an
 * enrolled drive's label but another UUID, a missing or foreign marker) is
 * never written to; the reason is kept so the user is told in one line.
 */
import { join } from 'node:path';
import { BackupError } from '../errors.ts';
import { listMountedVolumes, listMountedVolumesSync, type MountedVolume } from './drive-identity.ts';
import { MARKER_FILE, readMarker, readMarkerSync, type DriveMarker } from './drive-marker.ts';
import type { EnrolledDrive, OffsiteStore } from './offsite-store.ts';

/** The repository's folder on a drive: a full restic repository, readable with `restic -r <mount>/quantai-backup`. */
export const DRIVE_REPOSITORY_DIR = 'quantai-backup';

export interface MountedDrive {
  drive: EnrolledDrive;
  mountPath: string;
  /** `<mount>/quantai-backup` */
  repositoryPath: string;
  volume: MountedVolume;
}

export interface RefusedVolume {
  mountPath: string;
  /** One line: why nothing will be written there. */
  reason: string;
}

export interface DriveScan {
  mounted: MountedDrive[];
  refused: RefusedVolume[];
}

export function driveRepositoryPath(mountPath: string): string {
  return join(mountPath, DRIVE_REPOSITORY_DIR);
}

/** Sorts every mounted volume into verified enrolled drives, impostors (refused, with why) and the rest (ignored). */
export async function scanDrives(store: OffsiteStore, volumes?: readonly MountedVolume[]): Promise<DriveScan> {
  const all = volumes ?? (await listMountedVolumes());
  const markers = new Map<string, MarkerRead>();
  for (const v of all) if (v.uuid && store.driveByUuid(v.uuid)) markers.set(v.mountPath, await readMarker(v.mountPath).then(ok, fail));
  return classify(store, all, markers);
}

/** scanDrives for synchronous callers (the destination list). */
export function scanDrivesSync(store: OffsiteStore, volumes: readonly MountedVolume[] = listMountedVolumesSync()): DriveScan {
  const markers = new Map<string, MarkerRead>();
  for (const v of volumes) {
    if (!v.uuid || !store.driveByUuid(v.uuid)) continue;
    try {
      markers.set(v.mountPath, ok(readMarkerSync(v.mountPath)));
    } catch (err) {
      markers.set(v.mountPath, fail(err));
    }
  }
  return classify(store, volumes, markers);
}

type MarkerRead = { marker: DriveMarker | null } | { error: string };
const ok = (marker: DriveMarker | null): MarkerRead => ({ marker });
const fail = (err: unknown): MarkerRead => ({ error: err instanceof Error ? err.message : String(err) });

function classify(store: OffsiteStore, all: readonly MountedVolume[], markers: ReadonlyMap<string, MarkerRead>): DriveScan {
  const drives = store.drives();
  const scan: DriveScan = { mounted: [], refused: [] };
  for (const volume of all) {
    const byUuid = volume.uuid ? drives.find((d) => d.fsUuid === volume.uuid) : undefined;
    if (byUuid) {
      const reason = markerProblem(volume, byUuid, markers.get(volume.mountPath) ?? { marker: null });
      if (reason) scan.refused.push({ mountPath: volume.mountPath, reason });
      else scan.mounted.push({ drive: byUuid, mountPath: volume.mountPath, repositoryPath: driveRepositoryPath(volume.mountPath), volume });
      continue;
    }
    // Same label as an enrolled drive but another file system: a look-alike, maybe a freshly formatted spare.
    // Labels compare without case: our enrolment name is usually the file-system label in lower case (VAULT-A / vault-a).
    const byLabel = volume.label ? drives.find((d) => d.label.toLowerCase() === volume.label!.toLowerCase()) : undefined;
    if (byLabel) {
      scan.refused.push({
        mountPath: volume.mountPath,
        reason: `the drive at ${volume.mountPath} is labelled '${volume.label}' but its file-system UUID is ${volume.uuid ?? 'missing'}, not ${byLabel.fsUuid} of the enrolled drive '${byLabel.label}': it is not enrolled and nothing was written to it (enroll it under its own label with \`quantai-backup offsite enroll ${volume.mountPath} --label NAME\`)`,
      });
    }
  }
  return scan;
}

function markerProblem(volume: MountedVolume, drive: EnrolledDrive, read: MarkerRead): string | null {
  if ('error' in read) return read.error;
  const marker = read.marker;
  if (!marker) {
    return `the drive at ${volume.mountPath} has the UUID of the enrolled drive '${drive.label}' but no ${MARKER_FILE}: it may be a clone or was reformatted, so nothing was written to it (enroll it again to use it)`;
  }
  if (marker.marker_id !== drive.markerId || marker.fs_uuid !== volume.uuid) {
    return `the drive at ${volume.mountPath} carries the marker of another enrolment (${marker.label}, ${marker.enrolled_at}), not of '${drive.label}': nothing was written to it`;
  }
  return null;
}

/**
 * The one drive a copy or a restore uses: the enrolled drive named `label`, or
 * the only enrolled drive mounted. Throws one line saying why when there is none.
 */
export async function requireMountedDrive(store: OffsiteStore, label?: string, volumes?: readonly MountedVolume[]): Promise<MountedDrive> {
  if (label !== undefined && !store.driveByLabel(label)) {
    const known = store.drives().map((d) => d.label);
    throw new BackupError('not-found', `no offsite drive is enrolled as '${label}'${known.length ? ` (enrolled: ${known.join(', ')})` : ''}: enroll it with \`quantai-backup offsite enroll <mount> --label ${label}\``);
  }
  const scan = await scanDrives(store, volumes);
  const wanted = label === undefined ? scan.mounted : scan.mounted.filter((m) => m.drive.label === label);
  if (wanted.length === 1) return wanted[0]!;
  if (wanted.length > 1) {
    throw new BackupError('permanent', `several enrolled offsite drives are mounted (${wanted.map((m) => `${m.drive.label} at ${m.mountPath}`).join(', ')}): choose one with --label`);
  }
  const refusal = scan.refused[0];
  if (refusal) throw new BackupError('permanent', refusal.reason);
  if (label !== undefined) {
    const drive = store.driveByLabel(label)!;
    throw new BackupError('not-found', `offsite drive '${label}' (file-system UUID ${drive.fsUuid}) is not mounted: connect it and run again`);
  }
  if (store.drives().length === 0) {
    throw new BackupError('not-found', 'no offsite drive is enrolled: enroll one with `quantai-backup offsite enroll <mount> --label NAME`');
  }
  throw new BackupError('not-found', `no enrolled offsite drive is mounted (enrolled: ${store.drives().map((d) => d.label).join(', ')}): connect one and run again`);
}
