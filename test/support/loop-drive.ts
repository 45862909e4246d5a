/**
 * Real offsite drives for tests: a sparse image file formatted ext4 or vfat
 * with a label, attached to a loop device and mounted on a temp folder. Needs
 * root and the file-system tools; where they are missing the test is skipped
 * loudly, and under CI=true it fails instead. Cleanup (umount -l, losetup -d,
 * remove the image) runs in t.after even when the test failed.
 *
 * vfat: where the kernel has no vfat driver (some containers), the image is
 * mounted through FUSE with fusefat, naming the loop device as the source so
 * findmnt still reports the volume's UUID and label like a kernel mount does.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { findTool } from './tools.ts';

export type DriveFs = 'ext4' | 'vfat';

export interface LoopDrive {
  fs: DriveFs;
  label: string;
  image: string;
  mountPath: string;
  /** The loop device while attached. */
  device: string | null;
  /** Attaches and mounts the image (again). */
  mount(): void;
  /** Lazy unmount (works while files are open, like a pulled cable) and detach. */
  unmount(): void;
  isMounted(): boolean;
}

function sh(cmd: string, args: string[]): string {
  return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

function kernelHasVfat(): boolean {
  return /\bvfat\b/.test(readFileSync('/proc/filesystems', 'utf8'));
}

function missing(t: TestContext, what: string): null {
  const message = `MISSING: ${what}; this offsite drive test cannot run without it`;
  if (process.env.CI === 'true') throw new Error(message);
  process.stderr.write(`\n*** ${message} ***\n`);
  t.skip(message);
  return null;
}

/** The tools a drive of this file system needs, or the first one missing. */
function missingTool(fs: DriveFs): string | null {
  const tools = ['losetup', 'mount', 'umount', 'findmnt', fs === 'ext4' ? 'mkfs.ext4' : 'mkfs.vfat'];
  if (fs === 'vfat' && !kernelHasVfat()) tools.push('fusefat');
  return tools.find((tool) => !findTool(tool)) ?? null;
}

export function loopDrive(t: TestContext, options: { fs: DriveFs; label: string; sizeMiB: number }): LoopDrive | null {
  if (process.getuid?.() !== 0) return missing(t, 'root (loop devices and mount need it)');
  const tool = missingTool(options.fs);
  if (tool) return missing(t, `'${tool}' (apt-get install -y ${tool === 'fusefat' ? 'fusefat' : tool.startsWith('mkfs.vfat') ? 'dosfstools' : tool.startsWith('mkfs') ? 'e2fsprogs' : 'mount util-linux'})`);
  const dir = mkdtempSync(join(tmpdir(), 'qb-drive-'));
  const image = join(dir, 'drive.img');
  const mountPath = join(dir, 'mnt');
  mkdirSync(mountPath);
  sh('truncate', ['-s', `${options.sizeMiB}M`, image]);
  if (options.fs === 'ext4') sh('mkfs.ext4', ['-q', '-F', '-L', options.label, '-m', '0', image]);
  else sh('mkfs.vfat', ['-n', options.label, image]);
  const fuse = options.fs === 'vfat' && !kernelHasVfat();

  const drive: LoopDrive = {
    fs: options.fs, label: options.label, image, mountPath, device: null,
    mount() {
      if (drive.device) throw new Error(`${image} is already attached to ${drive.device}`);
      drive.device = sh('losetup', ['-f', '--show', image]).trim();
      if (fuse) sh('fusefat', ['-o', `rw+,fsname=${drive.device}`, drive.device, mountPath]);
      else sh('mount', ['-t', options.fs, drive.device, mountPath]);
    },
    unmount() {
      if (drive.isMounted()) sh('umount', ['-l', mountPath]);
      if (drive.device) {
        // A lazily unmounted file system may hold the device a moment longer; -d then detaches it when freed.
        sh('losetup', ['-d', drive.device]);
        drive.device = null;
      }
    },
    isMounted() {
      try {
        sh('findmnt', ['-n', mountPath]);
        return true;
      } catch {
        return false;
      }
    },
  };
  t.after(() => {
    try {
      drive.unmount();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
  drive.mount();
  return drive;
}
