/**
 * Enrolment and identity on real loop-mounted ext4 drives: only a mount point
 * with a UUID is enrolled, a drive or label is enrolled once, the marker holds
 * no secret, and a look-alike drive (same label, another UUID) or an enrolled
 * drive without its marker is refused without a single byte written to it.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { isBackupError } from '../../../../main/engine/errors.ts';
import { MARKER_FILE } from '../../../../main/engine/offsite/drive-marker.ts';
import { OffsiteStore } from '../../../../main/engine/offsite/offsite-store.ts';
import { loopDrive } from '../../../support/loop-drive.ts';
import { offsiteFixture, listing, PASSWORD } from './offsite-fixture.ts';

function rejectsWith(pattern: RegExp) {
  return (err: unknown): boolean => {
    assert.ok(isBackupError(err), `expected a BackupError, got ${String(err)}`);
    assert.equal(err.message.split('\n').length, 1, err.message);
    assert.match(err.message, pattern);
    return true;
  };
}

test('enroll: refuses a folder that is not a mount point, bad labels, a second enrolment of a drive or a label; records the drive', async (t) => {
  const drive = loopDrive(t, { fs: 'ext4', label: 'VAULT-A', sizeMiB: 32 });
  if (!drive) return;
  const fx = await offsiteFixture(t, 1);
  const plain = join(fx.dir, 'not-a-mount');
  mkdirSync(plain);

  await assert.rejects(fx.engine.offsiteEnroll(plain, 'vault-a'), rejectsWith(/is not a mount point: mount the drive there first \(nothing was written\)/));
  assert.deepEqual(listing(plain), [], 'nothing written into a folder that is not a mount point');
  await assert.rejects(fx.engine.offsiteEnroll(drive.mountPath, 'bad label!'), rejectsWith(/label "bad label!" is not valid/));
  assert.ok(!existsSync(join(drive.mountPath, MARKER_FILE)));

  const enrolled = await fx.engine.offsiteEnroll(drive.mountPath, 'vault-a');
  assert.equal(enrolled.label, 'vault-a');
  assert.equal(enrolled.fsType, 'ext4');
  assert.match(enrolled.fsUuid, /^[0-9a-f-]{36}$/);
  const marker = JSON.parse(readFileSync(join(drive.mountPath, MARKER_FILE), 'utf8')) as Record<string, unknown>;
  assert.equal(marker.marker_id, enrolled.markerId);
  assert.equal(marker.fs_uuid, enrolled.fsUuid);
  assert.equal(marker.fs_label, 'VAULT-A');
  assert.ok(!readFileSync(join(drive.mountPath, MARKER_FILE), 'utf8').includes(PASSWORD), 'the marker never holds the password');
  assert.deepEqual(new OffsiteStore(fx.engine.catalog).drives().map((d) => d.label), ['vault-a']);
  assert.ok(fx.engine.catalog.recentEvents().some((e) => e.type === 'offsite-enrolled'));
  assert.deepEqual((await fx.engine.mountedOffsiteDrives()).map((m) => [m.drive.label, m.mountPath]), [['vault-a', drive.mountPath]]);

  await assert.rejects(fx.engine.offsiteEnroll(drive.mountPath, 'vault-b'), rejectsWith(/is already enrolled as 'vault-a'/));
  const other = loopDrive(t, { fs: 'ext4', label: 'OTHER', sizeMiB: 32 });
  if (!other) return;
  await assert.rejects(fx.engine.offsiteEnroll(other.mountPath, 'vault-a'), rejectsWith(/the label 'vault-a' is already enrolled for another drive/));
  assert.ok(!existsSync(join(other.mountPath, MARKER_FILE)));
  // Once unmounted, its mount point is an empty folder on the system disk: never enrolled, never written.
  drive.unmount();
  await assert.rejects(fx.engine.offsiteEnroll(drive.mountPath, 'vault-c'), rejectsWith(/is not a mount point/));
  assert.deepEqual(listing(drive.mountPath), []);
  assert.deepEqual(await fx.engine.mountedOffsiteDrives(), []);
});

test('a drive with the enrolled label but another UUID, and the enrolled drive without its marker, are refused and left untouched', async (t) => {
  const real = loopDrive(t, { fs: 'ext4', label: 'VAULT', sizeMiB: 32 });
  if (!real) return;
  const fx = await offsiteFixture(t, 1);
  // Enrolled under the lower-case name, as the README does (file-system label VAULT-A, --label vault-a).
  await fx.engine.offsiteEnroll(real.mountPath, 'vault');
  real.unmount();

  const lookalike = loopDrive(t, { fs: 'ext4', label: 'VAULT', sizeMiB: 32 });
  if (!lookalike) return;
  const before = listing(lookalike.mountPath);
  await assert.rejects(fx.engine.offsiteCopy(), rejectsWith(/is labelled 'VAULT' but its file-system UUID is .*not enrolled and nothing was written to it/));
  await assert.rejects(fx.engine.offsiteCopy({ label: 'vault' }), rejectsWith(/is labelled 'VAULT' but its file-system UUID is/));
  assert.deepEqual(listing(lookalike.mountPath), before, 'nothing written to the look-alike');
  assert.deepEqual(await fx.engine.mountedOffsiteDrives(), []);
  const runs = fx.engine.catalog.recentRuns(5, 'offsite');
  assert.equal(runs[0]?.result, 'failed');
  lookalike.unmount();

  // The enrolled drive itself, but its marker is gone (reformatted, or a clone): refused too.
  real.mount();
  rmSync(join(real.mountPath, MARKER_FILE));
  const bare = listing(real.mountPath);
  await assert.rejects(fx.engine.offsiteCopy({ label: 'vault' }), rejectsWith(/has the UUID of the enrolled drive 'vault' but no \.quantai-offsite\.json/));
  assert.deepEqual(listing(real.mountPath), bare);
  await assert.rejects(fx.engine.openOffsiteRepository('vault'), rejectsWith(/no \.quantai-offsite\.json/));
});
