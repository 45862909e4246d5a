/**
 * What is mounted, and as which file system: the identity of an offsite drive
 * is its file-system UUID (vfat: the volume serial) and label, never the path
 * it happens to be mounted at. Linux only for now: findmnt (util-linux), or
 * /proc/self/mounts plus blkid where findmnt is missing.
 */
import { execFile, execFileSync } from 'node:child_process';
import { readFile, realpath } from 'node:fs/promises';
import { promisify } from 'node:util';
import { BackupError } from '../errors.ts';

const run = promisify(execFile);

export interface MountedVolume {
  mountPath: string;
  /** The device (/dev/sdb1, /dev/loop3). */
  source: string;
  fsType: string;
  uuid: string | null;
  label: string | null;
}

interface FindmntJson {
  filesystems?: { target?: string; source?: string; fstype?: string; uuid?: string | null; label?: string | null }[];
}

/** Every mounted file system with its UUID and label (null where it has none, e.g. tmpfs). */
export async function listMountedVolumes(): Promise<MountedVolume[]> {
  let stdout: string;
  try {
    ({ stdout } = await run('findmnt', FINDMNT_ARGS, { maxBuffer: 16 * 1024 * 1024 }));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return fromProcMounts();
    throw new BackupError('transient', `cannot list mounted volumes with findmnt: ${(err as Error).message.split('\n')[0]}`, { cause: err });
  }
  return parseFindmnt(stdout);
}

const FINDMNT_ARGS = ['-J', '-l', '-o', 'TARGET,SOURCE,FSTYPE,UUID,LABEL'];

/**
 * listMountedVolumes for synchronous callers (the destination list); empty
 * where findmnt is missing (no offsite destinations there, never an error).
 */
export function listMountedVolumesSync(): MountedVolume[] {
  try {
    return parseFindmnt(execFileSync('findmnt', FINDMNT_ARGS, { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024, stdio: ['ignore', 'pipe', 'pipe'] }));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw new BackupError('transient', `cannot list mounted volumes with findmnt: ${(err as Error).message.split('\n')[0]}`, { cause: err });
  }
}

function parseFindmnt(stdout: string): MountedVolume[] {
  const parsed = JSON.parse(stdout) as FindmntJson;
  return (parsed.filesystems ?? []).flatMap((fs) => fs.target ? [{
    mountPath: fs.target, source: fs.source ?? '', fsType: fs.fstype ?? '', uuid: fs.uuid || null, label: fs.label || null,
  }] : []);
}

/** The volume mounted exactly at `path` (after resolving symlinks), or null when `path` is not a mount point. */
export async function volumeAt(path: string, volumes?: readonly MountedVolume[]): Promise<MountedVolume | null> {
  let real: string;
  try {
    real = await realpath(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new BackupError('permanent', `cannot read ${path}: ${(err as Error).message}`, { cause: err });
  }
  const all = volumes ?? (await listMountedVolumes());
  // The last mount at a path is the one visible there (mounts stack).
  return [...all].reverse().find((v) => v.mountPath === real) ?? null;
}

function unescapeMountField(field: string): string {
  return field.replace(/\\([0-7]{3})/g, (_m, oct: string) => String.fromCharCode(parseInt(oct, 8)));
}

async function fromProcMounts(): Promise<MountedVolume[]> {
  const table = await readFile('/proc/self/mounts', 'utf8').catch((err: NodeJS.ErrnoException) => {
    throw new BackupError('permanent', `cannot list mounted volumes: neither findmnt nor /proc/self/mounts is available (${err.code})`, { cause: err });
  });
  const out: MountedVolume[] = [];
  for (const line of table.split('\n')) {
    const [source, target, fsType] = line.split(' ');
    if (!source || !target || !fsType) continue;
    const ids = source.startsWith('/dev/') ? await blkidOf(source) : { uuid: null, label: null };
    out.push({ mountPath: unescapeMountField(target), source, fsType, ...ids });
  }
  return out;
}

async function blkidOf(device: string): Promise<{ uuid: string | null; label: string | null }> {
  try {
    const { stdout } = await run('blkid', ['-o', 'export', device]);
    const value = (key: string): string | null => stdout.split('\n').find((l) => l.startsWith(`${key}=`))?.slice(key.length + 1) || null;
    return { uuid: value('UUID'), label: value('LABEL') };
  } catch (err) {
    // blkid exits 2 for a device without a recognisable file system: no identity, so never an offsite drive.
    if ((err as { code?: unknown }).code === 2) return { uuid: null, label: null };
    throw new BackupError('transient', `cannot read the file-system UUID of ${device} with blkid: ${(err as Error).message.split('\n')[0]}`, { cause: err });
  }
}
