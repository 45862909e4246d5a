/**
 * Noticing a drive being connected: list the mounted volumes every few
 * seconds and report the mount points that appeared or went away. Listing is
 * a pure function per platform over what the OS shows (Linux /proc/self/mounts,
 * macOS /Volumes, Windows drive letters), so each is tested with fixtures.
 * Polling rather than fs.watch: /proc/self/mountinfo change events need
 * poll(2) semantics Node's fs.watch does not give, and a few seconds of delay
 * are nothing next to a copy of hours.
 */
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { describeError } from '../errors.ts';
import type { Logger } from '../logger.ts';

export interface MountPoint {
  path: string;
  /** The device or share (Linux), null where the OS listing does not say. */
  device: string | null;
  fsType: string | null;
}

export type MountLister = () => Promise<MountPoint[]>;

/** Kernel file systems that are never a removable drive. */
const VIRTUAL_TYPES = new Set([
  'proc', 'sysfs', 'devtmpfs', 'devpts', 'tmpfs', 'cgroup', 'cgroup2', 'mqueue', 'securityfs', 'debugfs', 'tracefs',
  'pstore', 'bpf', 'autofs', 'hugetlbfs', 'configfs', 'fusectl', 'binfmt_misc', 'nsfs', 'rpc_pipefs', 'ramfs',
  'efivarfs', 'selinuxfs', 'fuse.gvfsd-fuse', 'fuse.portal',
]);

/** /proc/self/mounts escapes space, tab, newline and backslash as octal (\040). */
function unescapeOctal(field: string): string {
  return field.replace(/\\([0-7]{3})/g, (_m, oct: string) => String.fromCharCode(parseInt(oct, 8)));
}

/** Linux: the lines of /proc/self/mounts, virtual file systems left out. */
export function parseProcMounts(text: string): MountPoint[] {
  const out: MountPoint[] = [];
  for (const line of text.split('\n')) {
    const [device, path, fsType] = line.trim().split(/\s+/);
    if (!device || !path || !fsType || VIRTUAL_TYPES.has(fsType)) continue;
    out.push({ path: unescapeOctal(path), device: unescapeOctal(device), fsType });
  }
  return out;
}

/** macOS: every entry of /Volumes is a mounted volume (the system disk appears as a symlink to /, skipped by the caller's listing). */
export function macVolumes(entries: readonly string[]): MountPoint[] {
  return entries.filter((name) => name !== '' && !name.startsWith('.')).map((name) => ({ path: `/Volumes/${name}`, device: null, fsType: null }));
}

/** Windows: drive letters that exist ("E", "e:", "E:\\") as their roots. */
export function windowsVolumes(letters: readonly string[]): MountPoint[] {
  const seen = new Set<string>();
  for (const raw of letters) {
    const m = /^([A-Za-z])(:\\?)?$/.exec(raw.trim());
    if (m) seen.add(m[1]!.toUpperCase());
  }
  return [...seen].sort().map((letter) => ({ path: `${letter}:\\`, device: null, fsType: null }));
}

export interface MountChange {
  appeared: MountPoint[];
  disappeared: MountPoint[];
}

/** What changed between two listings, by mount path (a remount at the same path with another device counts as both). */
export function diffMounts(before: readonly MountPoint[], after: readonly MountPoint[]): MountChange {
  const key = (m: MountPoint): string => `${m.path}\u0000${m.device ?? ''}`;
  const had = new Set(before.map(key));
  const has = new Set(after.map(key));
  return {
    appeared: after.filter((m) => !had.has(key(m))),
    disappeared: before.filter((m) => !has.has(key(m))),
  };
}

/** The listing for this OS. */
export function platformMountLister(platform: NodeJS.Platform = process.platform): MountLister {
  if (platform === 'darwin') {
    return async () => {
      const entries = await readdir('/Volumes', { withFileTypes: true });
      // The boot volume is a symlink to / inside /Volumes: not a drive.
      return macVolumes(entries.filter((e) => !e.isSymbolicLink()).map((e) => e.name));
    };
  }
  if (platform === 'win32') {
    return () => Promise.resolve(windowsVolumes([...'CDEFGHIJKLMNOPQRSTUVWXYZ'].filter((l) => existsSync(`${l}:\\`))));
  }
  return async () => parseProcMounts(await readFile('/proc/self/mounts', 'utf8'));
}

export interface MountWatcherOptions {
  list?: MountLister;
  intervalMs: number;
  logger: Logger;
  /** Called with what changed; the first listing reports everything mounted as appeared. */
  onChange: (change: MountChange) => Promise<void> | void;
}

/**
 * Polls the listing; one poll at a time, and the change handler finishes
 * before the next poll so a slow identification never overlaps itself.
 */
export class MountWatcher {
  private readonly options: MountWatcherOptions;
  private readonly list: MountLister;
  private previous: MountPoint[] = [];
  private timer: NodeJS.Timeout | null = null;
  private polling: Promise<void> | null = null;
  private stopped = true;

  constructor(options: MountWatcherOptions) {
    this.options = options;
    this.list = options.list ?? platformMountLister();
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.polling;
  }

  /** One look now (also what the timer runs). */
  async poll(): Promise<void> {
    if (this.polling) return this.polling;
    this.polling = this.pollOnce().finally(() => {
      this.polling = null;
    });
    return this.polling;
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.poll().finally(() => this.schedule(this.options.intervalMs));
    }, delayMs);
  }

  private async pollOnce(): Promise<void> {
    let now: MountPoint[];
    try {
      now = await this.list();
    } catch (err) {
      this.options.logger.log('warn', `cannot list the mounted volumes (offsite drives are not detected): ${describeError(err)}`);
      return;
    }
    const change = diffMounts(this.previous, now);
    this.previous = now;
    if (change.appeared.length === 0 && change.disappeared.length === 0) return;
    try {
      await this.options.onChange(change);
    } catch (err) {
      this.options.logger.log('warn', `handling a connected or removed volume failed: ${describeError(err)}`);
    }
  }
}
