/**
 * kill -9 of `quantai-backup offsite copy` (the real entry point, spawned)
 * once some packs have landed on a real loop-mounted ext4 drive: the drive's
 * repository stays one restic checks clean, and the next copy completes
 * sending only what was missing (every file finished before the kill is
 * skipped, counted from the --json report).
 */
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { LocalBackend } from '../../../main/engine/backends/local-backend.ts';
import { MIRRORED_TYPES } from '../../../main/engine/cloud/mirror-plan.ts';
import { runCliAsync, startCliChild } from '../../support/cli-child.ts';
import { fingerprint } from '../../support/fingerprint.ts';
import { loopDrive } from '../../support/loop-drive.ts';
import { restic, resticOk } from '../../support/restic.ts';
import { requireTool } from '../../support/tools.ts';
import { listing, offsiteFixture, PASSWORD } from '../engine/offsite/offsite-fixture.ts';

/** Packs renamed into place on the drive (temp files of a write in flight are not counted). */
function packsOn(repo: string): number {
  let n = 0;
  let dirs: string[];
  try {
    dirs = readdirSync(join(repo, 'data'));
  } catch {
    return 0;
  }
  for (const dir of dirs) n += readdirSync(join(repo, 'data', dir)).filter((name) => /^[0-9a-f]{64}$/.test(name)).length;
  return n;
}

test('kill -9 mid-copy: the drive stays a repository restic checks clean; the next copy sends only what is missing', { timeout: 180_000 }, async (t) => {
  if (!requireTool(t, 'restic')) return;
  const drive = loopDrive(t, { fs: 'ext4', label: 'KILLED', sizeMiB: 96 });
  if (!drive) return;
  // Many small backups: two packs each (data, tree), so the copy has dozens of packs to write and the kill lands among them.
  const fx = await offsiteFixture(t, 1);
  for (let i = 0; i < 11; i++) await fx.grow(1);
  await fx.engine.offsiteEnroll(drive.mountPath, 'killed');
  const repo = join(drive.mountPath, 'quantai-backup');
  const source = new LocalBackend(fx.repoPath);
  const localPacks = (await source.list('data')).length;
  assert.ok(localPacks >= 20, `${localPacks} packs locally`);

  const env = { home: fx.home, password: PASSWORD };
  const copy = startCliChild(t, ['offsite', 'copy', '--label', 'killed', '--json'], env);
  await copy.waitUntil(() => packsOn(repo) >= 3, {
    limitMs: 90_000, pollMs: 5, timeoutMessage: 'no packs landed on the drive', exitedMessage: 'the copy ended before it could be killed',
  });
  await copy.kill9();

  const landed = packsOn(repo);
  assert.ok(landed >= 3 && landed < localPacks, `killed mid-way: ${landed} of ${localPacks} packs on the drive`);
  assert.deepEqual(listing(join(repo, 'snapshots')), [], 'no snapshot before its data');
  const onDrive = listing(repo).filter((f) => !f.includes('-tmp-'));
  // restic refuses to check a repository with any lock, stale or not; ours leaves none on the drive, unlock is harmless.
  resticOk(repo, PASSWORD, ['unlock']);
  const check = restic(repo, PASSWORD, ['check', '--read-data']);
  assert.equal(check.code, 0, `${check.stdout}\n${check.stderr}`);

  // What the next copy has to look at: every mirrored file of the local repository now.
  const localFiles = (await Promise.all(MIRRORED_TYPES.map((type) => source.list(type)))).flat().length;
  const r = await runCliAsync(t, ['offsite', 'copy', '--label', 'killed', '--json'], env, 120_000);
  assert.equal(r.code, 0, r.stderr);
  const report = JSON.parse(r.stdout) as { uploaded: number; skipped: number; staleTempFilesRemoved: number; snapshotIds: string[] };
  assert.equal(report.skipped, onDrive.length, 'every file finished before the kill is kept');
  assert.equal(report.uploaded, localFiles - onDrive.length, 'only the missing files are sent');
  assert.equal(report.snapshotIds.length, 12);
  assert.ok(!listing(repo).some((f) => f.includes('-tmp-')), 'no temp file left behind');

  resticOk(repo, PASSWORD, ['check', '--read-data']);
  const restored = join(fx.dir, 'restored');
  resticOk(repo, PASSWORD, ['restore', 'latest', '--target', restored]);
  assert.equal(fingerprint(join(restored, fx.files)), fingerprint(fx.files));
});
