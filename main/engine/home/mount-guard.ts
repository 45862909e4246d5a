/**
 * Never write backups into an empty mount point. When a NAS or drive listed in
 * /etc/fstab is not mounted, its mount point is an ordinary empty folder on the
 * system disk; creating a repository there would fill the system disk and give
 * a false sense of safety. This finds the fstab mount point that should hold a
 * path and says whether it is mounted.
 */
import { readFileSync } from 'node:fs';

export interface MountTables {
  /** Contents of /etc/fstab (empty where there is none). */
  fstab: string;
  /** Contents of /proc/self/mounts (empty where there is none). */
  mounts: string;
}

/** fstab and /proc/mounts escape spaces and other bytes as octal (\040). */
function unescapeMountField(field: string): string {
  return field.replace(/\\([0-7]{3})/g, (_m, oct: string) => String.fromCharCode(parseInt(oct, 8)));
}

function mountPoints(table: string): string[] {
  const points: string[] = [];
  for (const line of table.split('\n')) {
    const trimmed = line.trim();
    if (!trimmed || trimmed.startsWith('#')) continue;
    const fields = trimmed.split(/\s+/);
    const point = fields[1];
    const type = fields[2];
    if (!point || !point.startsWith('/') || type === 'swap') continue;
    points.push(unescapeMountField(point).replace(/\/+$/, '') || '/');
  }
  return points;
}

function isUnder(path: string, mountPoint: string): boolean {
  if (mountPoint === '/') return true;
  return path === mountPoint || path.startsWith(`${mountPoint}/`);
}

/**
 * Folders under which something is mounted by convention (removable drives,
 * NAS shares). A path below one of them must be on a mounted file system at the
 * given depth: /mnt/nas/... needs /mnt/nas mounted, /media/user/DRIVE/... needs
 * something mounted at /media/user or /media/user/DRIVE.
 */
const CONVENTIONAL_MOUNT_ROOTS: { root: string; depths: number[] }[] = [
  { root: '/mnt', depths: [1] },
  { root: '/media', depths: [1, 2] },
  { root: '/run/media', depths: [2] },
  { root: '/Volumes', depths: [1] },
];

function conventionalMountMissing(path: string, mounted: Set<string>): string | null {
  for (const { root, depths } of CONVENTIONAL_MOUNT_ROOTS) {
    if (!path.startsWith(`${root}/`)) continue;
    const below = path.slice(root.length + 1).split('/').filter(Boolean);
    const candidates = depths.filter((d) => below.length >= d).map((d) => `${root}/${below.slice(0, d).join('/')}`);
    if (candidates.length === 0) continue;
    if (candidates.some((c) => mounted.has(c))) return null;
    return candidates[candidates.length - 1]!;
  }
  return null;
}

/**
 * Returns the mount point that should contain `path` but is not mounted (from
 * /etc/fstab, or by convention under /mnt, /media, /run/media, /Volumes), or
 * null when every expected mount is present.
 */
export function findMissingMount(path: string, tables: MountTables): string | null {
  const mounted = new Set(mountPoints(tables.mounts));
  const expected = mountPoints(tables.fstab)
    .filter((point) => point !== '/' && isUnder(path, point))
    .sort((a, b) => b.length - a.length);
  for (const point of expected) {
    if (!mounted.has(point)) return point;
  }
  // Without a /proc/self/mounts (macOS, Windows) the convention cannot be checked.
  if (tables.mounts.trim() === '') return null;
  return conventionalMountMissing(path, mounted);
}

export function readMountTables(): MountTables {
  const read = (file: string): string => {
    try {
      return readFileSync(file, 'utf8');
    } catch {
      // No fstab (containers, Windows, macOS): nothing expected, nothing to check.
      return '';
    }
  };
  return { fstab: read('/etc/fstab'), mounts: read('/proc/self/mounts') };
}
