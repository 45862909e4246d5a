/**
 * Mount listings per OS from fixtures, and the watcher on this machine's real
 * /proc/self/mounts while the test bind-mounts a folder (root only, as in CI).
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { silentLogger } from '../../../../main/engine/logger.ts';
import {
  diffMounts, macVolumes, MountWatcher, parseProcMounts, platformMountLister, windowsVolumes, type MountChange,
} from '../../../../main/engine/offsite/mount-watch.ts';
import { tempDir } from '../../../support/temp-dir.ts';
import { requireTool } from '../../../support/tools.ts';

const PROC_MOUNTS = [
  'overlay / overlay rw,relatime,lowerdir=/a,upperdir=/b,workdir=/c 0 0',
  'proc /proc proc rw,nosuid,nodev,noexec,relatime 0 0',
  'tmpfs /dev tmpfs rw,nosuid,size=65536k,mode=755 0 0',
  'sysfs /sys sysfs ro,nosuid,nodev,noexec,relatime 0 0',
  'cgroup /sys/fs/cgroup cgroup2 ro,nosuid,nodev,noexec,relatime 0 0',
  '/dev/sdb1 /media/trader/OFFSITE\\040A ext4 rw,nosuid,nodev,relatime 0 0',
  '/dev/loop3 /mnt/vfat\\011tab vfat rw,relatime,fmask=0022 0 0',
  '',
].join('\n');

test('Linux: /proc/self/mounts lines, octal escapes decoded, kernel file systems left out', () => {
  assert.deepEqual(parseProcMounts(PROC_MOUNTS), [
    { path: '/', device: 'overlay', fsType: 'overlay' },
    { path: '/media/trader/OFFSITE A', device: '/dev/sdb1', fsType: 'ext4' },
    { path: '/mnt/vfat\ttab', device: '/dev/loop3', fsType: 'vfat' },
  ]);
});

test('macOS: /Volumes entries; Windows: drive letters in any spelling', () => {
  assert.deepEqual(macVolumes(['OFFSITE-A', '.Trashes', 'Backup Disk']).map((m) => m.path), ['/Volumes/OFFSITE-A', '/Volumes/Backup Disk']);
  assert.deepEqual(windowsVolumes(['e', 'C:', 'E:\\', 'bogus', 'D:\\']).map((m) => m.path), ['C:\\', 'D:\\', 'E:\\']);
});

test('diff: appeared and disappeared by path and device (a different disk at the same path counts)', () => {
  const a = { path: '/media/x', device: '/dev/sdb1', fsType: 'ext4' };
  const b = { path: '/media/y', device: '/dev/sdc1', fsType: 'vfat' };
  const a2 = { ...a, device: '/dev/sdd1' };
  assert.deepEqual(diffMounts([a], [a, b]), { appeared: [b], disappeared: [] });
  assert.deepEqual(diffMounts([a, b], [b]), { appeared: [], disappeared: [a] });
  assert.deepEqual(diffMounts([a], [a2]), { appeared: [a2], disappeared: [a] });
});

function waitFor(changes: MountChange[], pred: (c: MountChange) => boolean, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  return new Promise((resolve, reject) => {
    const look = (): void => {
      if (changes.some(pred)) resolve();
      else if (Date.now() > deadline) reject(new Error(`no such change within ${ms} ms: ${JSON.stringify(changes)}`));
      else setTimeout(look, 25);
    };
    look();
  });
}

function bindMount(t: TestContext, source: string, target: string): void {
  execFileSync('mount', ['--bind', source, target]);
  t.after(() => {
    try {
      execFileSync('umount', [target], { stdio: 'ignore' });
    } catch {
      // Already unmounted by the test itself.
    }
  });
}

test('the watcher sees a real mount appear and go away (Linux, /proc/self/mounts)', { skip: process.platform !== 'linux' || process.getuid?.() !== 0 ? 'needs Linux and root' : false }, async (t) => {
  if (!requireTool(t, 'mount')) return;
  const dir = tempDir(t);
  const source = join(dir, 'source');
  const target = join(dir, 'drive mount');
  mkdirSync(source);
  mkdirSync(target);
  const changes: MountChange[] = [];
  const watcher = new MountWatcher({ list: platformMountLister('linux'), intervalMs: 50, logger: silentLogger, onChange: (c) => { changes.push(c); } });
  watcher.start();
  t.after(() => watcher.stop());
  // The first listing reports what is mounted already, the target not among it.
  await waitFor(changes, (c) => c.appeared.some((m) => m.path === '/'), 5000);
  assert.ok(!changes.some((c) => c.appeared.some((m) => m.path === target)));
  bindMount(t, source, target);
  await waitFor(changes, (c) => c.appeared.some((m) => m.path === target), 5000);
  execFileSync('umount', [target]);
  await waitFor(changes, (c) => c.disappeared.some((m) => m.path === target), 5000);
  await watcher.stop();
  const seen = changes.length;
  await new Promise((r) => setTimeout(r, 150));
  assert.equal(changes.length, seen, 'nothing is reported after stop()');
});
