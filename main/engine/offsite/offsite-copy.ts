/**
 * One copy of the repository onto a verified, mounted offsite drive: refuse a
 * foreign repository, check the free space against what is missing, mirror
 * (packs, then index, then snapshots, each file fsynced and read back), then
 * rewrite the recovery kit. A copy cut anywhere leaves the drive's repository
 * consistent (extra packs, never a snapshot without its data), and the next
 * copy only adds what is still missing. After the mirror, what a local
 * forget and prune removed leaves the drive too (drive-prune.ts): deletions
 * reach a drive only after the local prune, never before.
 */
import type { Backend, FileInfo, FileType } from '../backends/backend.ts';
import { LocalBackend } from '../backends/local-backend.ts';
import { mirrorRepository, type MirrorProgress, type MirrorReport } from '../cloud/mirror.ts';
import { MIRRORED_TYPES, planMirror, type Listing } from '../cloud/mirror-plan.ts';
import { BackupError } from '../errors.ts';
import { volumeAt } from './drive-identity.ts';
import { readMarker } from './drive-marker.ts';
import { ensureDriveLayout, removeStaleTempFiles, requireSameRepository } from './drive-repository.ts';
import { bytesOnDisk, driveSpace, requireSpace } from './drive-space.ts';
import type { MirrorPruneStep } from '../retention/mirror-prune-step.ts';
import { pruneDrive } from './drive-prune.ts';
import type { MountedDrive } from './mounted-drives.ts';
import { recoveryKitSizes, writeRecoveryKit, type RecoveryKitInput } from './recovery-kit.ts';
import { VerifiedMirrorTarget } from './verified-mirror-target.ts';

export interface DriveCopyInput {
  source: Backend;
  mounted: MountedDrive;
  repositoryId: string;
  hostname: string;
  now: Date;
  resticBinary: string | null;
  formatDoc: string | null;
  signal?: AbortSignal;
  onProgress?: (p: MirrorProgress) => void;
  /** Held while pruned files are deleted from the drive, e.g. `() => repository.lock()`. */
  lockSource?: () => Promise<{ release(): Promise<void> }>;
}

export interface DriveCopyReport extends MirrorReport {
  /** Kit files rewritten on the drive. */
  recoveryKit: string[];
  staleTempFilesRemoved: number;
  /** Files the local repository pruned, deleted from the drive after the copy (or why not). */
  mirrorPrune: MirrorPruneStep;
}

async function listing(backend: Pick<Backend, 'list'>): Promise<Listing> {
  const out = new Map<FileType, FileInfo[]>();
  for (const type of MIRRORED_TYPES) out.set(type, await backend.list(type));
  return out;
}

/** The drive is still the enrolled one at that path: checked again right before writing outside the repository folder. */
async function requireStillMounted(mounted: MountedDrive): Promise<void> {
  const volume = await volumeAt(mounted.mountPath);
  const marker = volume?.uuid === mounted.drive.fsUuid ? await readMarker(mounted.mountPath) : null;
  if (!marker || marker.marker_id !== mounted.drive.markerId) {
    throw new BackupError('fatal', `offsite drive '${mounted.drive.label}' is no longer mounted at ${mounted.mountPath}: reconnect it and run the copy again`);
  }
}

export async function copyToDrive(input: DriveCopyInput): Promise<DriveCopyReport> {
  const { mounted } = input;
  const label = mounted.drive.label;
  const drive = new LocalBackend(mounted.repositoryPath);
  await requireSameRepository(input.source, drive, label);
  const marker = await readMarker(mounted.mountPath);
  if (marker && marker.repository_id !== input.repositoryId) {
    throw new BackupError('permanent', `offsite drive '${label}' was enrolled for repository ${marker.repository_id.slice(0, 8)}, not the local ${input.repositoryId.slice(0, 8)}: enroll it again for this repository (nothing was written)`);
  }
  const kit: RecoveryKitInput = {
    mountPath: mounted.mountPath, label, repositoryId: input.repositoryId, hostname: input.hostname, now: input.now,
    resticBinary: input.resticBinary, formatDoc: input.formatDoc,
  };

  // Space first, from listings only: a refused copy has written nothing.
  const plan = planMirror(await listing(input.source), (await drive.exists()) ? await listing(drive) : new Map());
  const missing = plan.phases.flat();
  const space = await driveSpace(mounted.mountPath);
  const kitSizes = (await recoveryKitSizes(kit)).map((f) => f.size).filter((s) => s > 0);
  // Folders take a block each: the top-level ones and a data/xx per pack at most.
  const folders = (6 + Math.min(256, missing.filter((f) => f.type === 'data').length)) * space.blockSize;
  requireSpace(label, bytesOnDisk([...missing.map((f) => f.size), ...kitSizes], space.blockSize) + folders, missing.length + kitSizes.length, space);

  input.signal?.throwIfAborted();
  const staleTempFilesRemoved = await removeStaleTempFiles(mounted.repositoryPath);
  await ensureDriveLayout(mounted.repositoryPath);
  const target = new VerifiedMirrorTarget(drive);
  let report: MirrorReport;
  try {
    report = await mirrorRepository({
      source: input.source, target, host: input.hostname, backupTime: input.now, concurrency: 2,
      ...(input.signal ? { signal: input.signal } : {}),
      ...(input.onProgress ? { onProgress: input.onProgress } : {}),
    });
  } catch (err) {
    throw explainCopyFailure(err, label);
  }
  await requireStillMounted(mounted);
  // Only now, with every local index on the drive, may files the local prune dropped go.
  const mirrorPrune = await pruneDrive(input.source, target, {
    now: input.now,
    ...(input.lockSource ? { lockSource: input.lockSource } : {}),
    ...(input.signal ? { signal: input.signal } : {}),
  });
  const recoveryKit = await writeRecoveryKit(kit);
  return { ...report, recoveryKit, staleTempFilesRemoved, mirrorPrune };
}

function explainCopyFailure(err: unknown, label: string): unknown {
  if (!(err instanceof BackupError)) {
    // Errors that escaped the backend's wrapping still carry their errno code.
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'ENOSPC' && code !== 'EDQUOT' && code !== 'ENOENT' && code !== 'EIO') return err;
    err = new BackupError(code === 'ENOSPC' || code === 'EDQUOT' ? 'permanent' : 'fatal', `${(err as Error).message} (${code})`, { cause: err });
  }
  if (!(err instanceof BackupError)) return err;
  if (/ENOSPC|EDQUOT|disk is full/.test(err.message)) {
    return new BackupError('permanent', `offsite drive '${label}' filled up during the copy: what is on it stays a consistent repository (no snapshot lacks its data); use a larger drive or free space, then copy again`, { cause: err });
  }
  if (err.kind === 'fatal') {
    return new BackupError('fatal', `offsite drive '${label}' went away during the copy (${err.message}): reconnect it and copy again; the copy carries on where it stopped`, { cause: err });
  }
  return err;
}
