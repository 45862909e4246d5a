/**
 * Deletions reach an offsite drive only after the local prune: once a snapshot
 * is forgotten and its data pruned locally, the next copy removes the snapshot
 * and the unused packs from a real loop-mounted ext4 drive too, restic checks
 * the drive clean and the remaining snapshots restore. A drive the deletions
 * cannot safely touch keeps everything and the run ends as a warning.
 */
import assert from 'node:assert/strict';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { main } from '../../../../main/cli/main.ts';
import { fingerprint } from '../../../support/fingerprint.ts';
import { loopDrive } from '../../../support/loop-drive.ts';
import { resticOk } from '../../../support/restic.ts';
import { requireTool } from '../../../support/tools.ts';
import { listing, offsiteFixture, PASSWORD } from './offsite-fixture.ts';

const NO_KIT_BINARY = { resticBinary: null };

/** The names of one repository folder's files (data: every pack under data/xx). */
function names(repo: string, dir: string): string[] {
  return listing(join(repo, dir)).map((line) => line.split(' ')[0]!.split('/').at(-1)!).sort();
}

test('a local forget + prune reaches the drive at the next copy: snapshot and unused packs gone, restic checks it, the rest restores', async (t) => {
  if (!requireTool(t, 'restic')) return;
  const drive = loopDrive(t, { fs: 'ext4', label: 'PRUNED', sizeMiB: 32 });
  if (!drive) return;
  const fx = await offsiteFixture(t, 1);
  const [first] = await fx.engine.snapshots();
  // The first snapshot's big file exists only there: forgetting it leaves its packs unused.
  rmSync(join(fx.files, 'data/part-0.bin'));
  const second = await fx.grow(1);
  await fx.grow(1);
  await fx.engine.offsiteEnroll(drive.mountPath, 'pruned');

  const copy = await fx.engine.offsiteCopy(NO_KIT_BINARY);
  const repo = copy.repositoryPath;
  assert.equal(copy.snapshotIds.length, 3);
  assert.ok(copy.mirrorPrune.ok && copy.mirrorPrune.report.deleted === 0, 'nothing to delete before any prune');
  const packsBefore = names(repo, 'data');

  // restic itself forgets the snapshot locally (an independent writer); our prune then drops its data.
  resticOk(fx.repoPath, PASSWORD, ['forget', first!.id]);
  const pruned = await fx.engine.prune({ maxUnusedPercent: 0 });
  assert.ok(pruned.packsDeleted + pruned.packsRepacked > 0, `the local prune removed no pack: ${JSON.stringify(pruned)}`);
  assert.deepEqual(names(repo, 'data'), packsBefore, 'the prune alone deletes nothing from the drive');

  const next = await fx.engine.offsiteCopy(NO_KIT_BINARY);
  assert.ok(next.mirrorPrune.ok, JSON.stringify(next.mirrorPrune));
  const report = next.mirrorPrune.report;
  assert.equal(report.deletedByType.snapshot, 1);
  assert.ok((report.deletedByType.data ?? 0) >= 1, `deleted ${JSON.stringify(report.deletedByType)}`);
  assert.equal(report.deferred, null);
  for (const dir of ['snapshots', 'index', 'data', 'keys']) {
    assert.deepEqual(names(repo, dir), names(fx.repoPath, dir), `${dir} on the drive equal the local repository's`);
  }
  assert.ok(!next.snapshotIds.includes(first!.id));
  assert.equal(next.snapshotIds.length, 2);
  assert.equal(fx.engine.catalog.lastRun('offsite')?.result, 'success');

  resticOk(repo, PASSWORD, ['check', '--read-data']);
  const latest = join(fx.dir, 'latest');
  resticOk(repo, PASSWORD, ['restore', 'latest', '--target', latest]);
  assert.equal(fingerprint(join(latest, fx.files)), fingerprint(fx.files));
  const older = join(fx.dir, 'older');
  resticOk(repo, PASSWORD, ['restore', second, '--target', older]);
  assert.deepEqual(readFileSync(join(older, fx.files, 'data/part-1.bin')), readFileSync(join(fx.files, 'data/part-1.bin')));

  // A key file the local repository lacks: the drive may hold another repository's files, so nothing is deleted.
  const stranger = join(repo, 'keys', 'f'.repeat(64));
  writeFileSync(stranger, '{}');
  resticOk(fx.repoPath, PASSWORD, ['forget', second]);
  // Through the CLI (in this process: a spawn costs seconds here): the copy is done, the deletions are a one-line warning, exit 3.
  let stdout = '';
  let stderr = '';
  const code = await main(['offsite', 'copy', '--label', 'pruned', '--json'], {
    stdout: (x) => { stdout += x; }, stderr: (x) => { stderr += x; }, stderrIsTty: false,
    env: { QUANTAI_BACKUP_HOME: fx.home, QUANTAI_BACKUP_PASSWORD: PASSWORD, PATH: '/nonexistent:/usr/sbin:/usr/bin:/sbin:/bin' },
  });
  assert.equal(code, 3, stderr);
  assert.equal(stderr.trim().split('\n').length, 1, stderr);
  assert.match(stderr.trim(), /WARN offsite: pruned files were not deleted from drive 'pruned' \(the next copy tries again\): .*key file\(s\) the local repository lacks.*remove it from the drive$/);
  const warned = JSON.parse(stdout) as { snapshotIds: string[]; mirrorPrune: { ok: boolean } };
  assert.equal(warned.mirrorPrune.ok, false);
  assert.ok(warned.snapshotIds.includes(second), 'the forgotten snapshot stays on the drive');
  assert.equal(fx.engine.catalog.lastRun('offsite')?.result, 'warning');
  rmSync(stranger);
});
