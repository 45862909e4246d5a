/**
 * Copies that cannot finish, on real loop-mounted ext4 drives: a drive too
 * small is refused up front with the space needed and nothing written; a
 * drive that fills up mid-copy, and a drive unmounted mid-copy (umount -l, as
 * when a cable is pulled), keep a repository restic checks clean, and the next
 * copy completes.
 */
import assert from 'node:assert/strict';
import { rmSync, statfsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { JobProgress } from '../../../../main/engine/engine-events.ts';
import { isBackupError } from '../../../../main/engine/errors.ts';
import { OffsiteStore } from '../../../../main/engine/offsite/offsite-store.ts';
import { fingerprint } from '../../../support/fingerprint.ts';
import { loopDrive } from '../../../support/loop-drive.ts';
import { restic, resticOk } from '../../../support/restic.ts';
import { requireTool } from '../../../support/tools.ts';
import { listing, offsiteFixture, PASSWORD } from './offsite-fixture.ts';

const NO_KIT_BINARY = { resticBinary: null };

function failsWith(pattern: RegExp) {
  return (err: unknown): boolean => {
    assert.ok(isBackupError(err), `expected a BackupError, got ${String(err)}`);
    assert.equal(err.message.split('\n').length, 1, err.message);
    assert.match(err.message, pattern);
    return true;
  };
}

/** restic check passes on the drive (extra packs from a cut copy are only a hint, not an error). */
function resticChecks(repo: string, options: { noLock?: boolean } = {}): void {
  const r = restic(repo, PASSWORD, [...(options.noLock ? ['--no-lock'] : []), 'check', '--read-data']);
  assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
  assert.match(r.stdout, /no errors were found/);
}

test('a drive too small: refused before writing, with the space needed; its older copy stays intact; a larger drive takes the copy', async (t) => {
  if (!requireTool(t, 'restic')) return;
  const small = loopDrive(t, { fs: 'ext4', label: 'SMALL', sizeMiB: 16 });
  if (!small) return;
  const fx = await offsiteFixture(t, 2);
  await fx.engine.offsiteEnroll(small.mountPath, 'small');
  const first = await fx.engine.offsiteCopy(NO_KIT_BINARY);
  await fx.grow(20);

  const before = listing(small.mountPath);
  await assert.rejects(fx.engine.offsiteCopy(NO_KIT_BINARY),
    failsWith(/^offsite drive 'small' needs 2\d\.\d MiB for \d+ missing file\(s\), but has only \d+\.\d MiB free: use a larger drive or free space on this one \(nothing was written\)$/));
  assert.deepEqual(listing(small.mountPath), before, 'nothing written to the drive');
  resticChecks(first.repositoryPath);
  const copies = new OffsiteStore(fx.engine.catalog).copies();
  assert.deepEqual(copies.map((c) => c.ok), [false, true]);
  assert.match(copies[0]!.error ?? '', /needs/);
  small.unmount();

  const large = loopDrive(t, { fs: 'ext4', label: 'LARGE', sizeMiB: 64 });
  if (!large) return;
  await fx.engine.offsiteEnroll(large.mountPath, 'large');
  const copy = await fx.engine.offsiteCopy({ label: 'large', ...NO_KIT_BINARY });
  assert.equal(copy.snapshotIds.length, 2);
  resticChecks(copy.repositoryPath);
});

test('a drive that fills up mid-copy keeps a consistent repository; after space is freed the next copy completes', async (t) => {
  if (!requireTool(t, 'restic')) return;
  const drive = loopDrive(t, { fs: 'ext4', label: 'FILLS', sizeMiB: 48 });
  if (!drive) return;
  const fx = await offsiteFixture(t, 3);
  await fx.grow(3);
  await fx.grow(3);
  await fx.engine.offsiteEnroll(drive.mountPath, 'fills');

  // Once packs are being written, something else takes (nearly) all the free space.
  const filler = join(drive.mountPath, 'filler.bin');
  const fill = (p: JobProgress): void => {
    if (p.phase !== 'data') return;
    fx.engine.events.off('job-progress', fill);
    const st = statfsSync(drive.mountPath);
    try {
      writeFileSync(filler, Buffer.alloc(st.bavail * st.bsize));
    } catch (err) {
      // The file system's own metadata may take the last blocks: the filler then stops short, the drive is full either way.
      if ((err as NodeJS.ErrnoException).code !== 'ENOSPC') throw err;
    }
  };
  fx.engine.events.on('job-progress', fill);
  await assert.rejects(fx.engine.offsiteCopy(NO_KIT_BINARY), failsWith(/^offsite drive 'fills' filled up during the copy: what is on it stays a consistent repository/));
  const repo = join(drive.mountPath, 'quantai-backup');
  assert.deepEqual(listing(join(repo, 'snapshots')), [], 'no snapshot before its packs and index');
  // A full drive has no room for restic's lock file either.
  resticChecks(repo, { noLock: true });

  rmSync(filler);
  const copy = await fx.engine.offsiteCopy(NO_KIT_BINARY);
  assert.equal(copy.snapshotIds.length, 3);
  resticChecks(repo);
  const restored = join(fx.dir, 'restored');
  resticOk(repo, PASSWORD, ['restore', 'latest', '--target', restored]);
  assert.equal(fingerprint(join(restored, fx.files)), fingerprint(fx.files));
});

test('a drive unmounted mid-copy: the copy fails in one line, nothing lands in the empty mount point, and the next run completes', async (t) => {
  if (!requireTool(t, 'restic')) return;
  const drive = loopDrive(t, { fs: 'ext4', label: 'PULLED', sizeMiB: 64 });
  if (!drive) return;
  const fx = await offsiteFixture(t, 3);
  await fx.grow(3);
  await fx.grow(3);
  await fx.engine.offsiteEnroll(drive.mountPath, 'pulled');

  const pull = (p: JobProgress): void => {
    if (p.phase !== 'data') return;
    fx.engine.events.off('job-progress', pull);
    drive.unmount();
  };
  fx.engine.events.on('job-progress', pull);
  await assert.rejects(fx.engine.offsiteCopy(NO_KIT_BINARY), failsWith(/^offsite drive 'pulled' went away during the copy .*reconnect it and copy again/));
  assert.deepEqual(listing(drive.mountPath), [], 'nothing written into the mount point while the drive was gone');
  assert.equal(fx.engine.catalog.lastRun('offsite')?.result, 'failed');

  drive.mount();
  resticChecks(join(drive.mountPath, 'quantai-backup'));
  const copy = await fx.engine.offsiteCopy(NO_KIT_BINARY);
  assert.equal(copy.snapshotIds.length, 3);
  assert.ok(copy.skipped >= 1, 'files finished before the cut are not copied again');
  resticChecks(copy.repositoryPath);
  assert.ok(!listing(copy.repositoryPath).some((f) => f.includes('-tmp-')), 'no temp file left behind');
});
