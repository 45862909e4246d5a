import assert from 'node:assert/strict';
import { test } from 'node:test';
import { findMissingMount } from '../../../../main/engine/home/mount-guard.ts';

const fstab = `
# <file system> <mount point> <type> <options> <dump> <pass>
UUID=1234 / ext4 defaults 0 1
//nas/backups /mnt/nas cifs credentials=/etc/nas 0 0
LABEL=OFFSITE\\040A /srv/offsite\\040a ext4 noauto 0 0
/swapfile none swap sw 0 0
`;
const mountsWithNas = 'sysfs /sys sysfs rw 0 0\n/dev/vda1 / ext4 rw 0 0\n//nas/backups /mnt/nas cifs rw 0 0\n';
const mountsWithout = 'sysfs /sys sysfs rw 0 0\n/dev/vda1 / ext4 rw 0 0\n';

test('a path on an fstab mount that is not mounted is refused', () => {
  assert.equal(findMissingMount('/mnt/nas/quantai', { fstab, mounts: mountsWithout }), '/mnt/nas');
  assert.equal(findMissingMount('/mnt/nas/quantai', { fstab, mounts: mountsWithNas }), null);
});

test('octal escapes in mount points are understood', () => {
  assert.equal(findMissingMount('/srv/offsite a/repo', { fstab, mounts: mountsWithNas }), '/srv/offsite a');
});

test('paths on the root file system need nothing mounted', () => {
  assert.equal(findMissingMount('/var/backups/repo', { fstab, mounts: mountsWithout }), null);
});

test('conventional removable-drive folders must hold a mounted file system', () => {
  const tables = { fstab: '', mounts: mountsWithout };
  assert.equal(findMissingMount('/media/trader/DRIVE1/repo', tables), '/media/trader/DRIVE1');
  assert.equal(findMissingMount('/mnt/usb/repo', tables), '/mnt/usb');
  const mounted = { fstab: '', mounts: `${mountsWithout}/dev/sdb1 /media/trader/DRIVE1 ext4 rw 0 0\n` };
  assert.equal(findMissingMount('/media/trader/DRIVE1/repo', mounted), null);
});

test('without a mount table (macOS, Windows) the convention is not applied', () => {
  assert.equal(findMissingMount('/Volumes/Drive/repo', { fstab: '', mounts: '' }), null);
});
