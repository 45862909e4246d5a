/**
 * Copies to real loop-mounted ext4 and vfat drives, judged by restic itself:
 * after a copy `restic check --read-data` passes on the drive and a restic
 * restore equals the source; the recovery kit is there without the password;
 * a second copy writes nothing; the register says which snapshots the drive
 * holds; restore, check and drills read from the drive (`--from offsite:<label>`).
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { configuredDestinations } from '../../../../main/engine/verify/destinations.ts';
import { OffsiteStore } from '../../../../main/engine/offsite/offsite-store.ts';
import { README_FILE, FORMAT_FILE, resticFileName } from '../../../../main/engine/offsite/recovery-kit.ts';
import { main } from '../../../../main/cli/main.ts';
import { parseJsonOutput, runCli, type CliResult } from '../../../support/cli.ts';
import { fingerprint } from '../../../support/fingerprint.ts';
import { loopDrive } from '../../../support/loop-drive.ts';
import { resticOk } from '../../../support/restic.ts';
import { requireTool } from '../../../support/tools.ts';
import { listing, offsiteFixture, PASSWORD } from './offsite-fixture.ts';

/** The CLI's main() in this process (spawning costs seconds per command on a busy machine). */
function inProcessCli(home: string): (args: string[]) => Promise<CliResult> {
  return async (args) => {
    let stdout = '';
    let stderr = '';
    const io = {
      stdout: (s: string) => { stdout += s; }, stderr: (s: string) => { stderr += s; }, stderrIsTty: false,
      env: { QUANTAI_BACKUP_HOME: home, QUANTAI_BACKUP_PASSWORD: PASSWORD, PATH: process.env.PATH ?? '' },
    };
    const code = await main(args, io);
    return { code, stdout, stderr };
  };
}

test('ext4: restic checks and restores the drive; kit without the password; second copy writes nothing; --from offsite:<label> restores and checks', async (t) => {
  if (!requireTool(t, 'restic')) return;
  const drive = loopDrive(t, { fs: 'ext4', label: 'VAULT-E', sizeMiB: 96 });
  if (!drive) return;
  const fx = await offsiteFixture(t, 3);
  await fx.grow(2);
  await fx.engine.offsiteEnroll(drive.mountPath, 'vault-e');

  const first = await fx.engine.offsiteCopy();
  assert.equal(first.label, 'vault-e');
  assert.equal(first.repositoryPath, join(drive.mountPath, 'quantai-backup'));
  assert.ok(first.uploaded >= 6, `copied ${first.uploaded}`);
  assert.equal(first.skipped, 0);
  const local = await fx.engine.snapshots();
  assert.deepEqual(first.snapshotIds, local.map((s) => s.id).sort());
  assert.deepEqual([...first.recoveryKit].sort(), [FORMAT_FILE, README_FILE, resticFileName()].sort());

  const repo = first.repositoryPath;
  resticOk(repo, PASSWORD, ['check', '--read-data']);
  const restored = join(fx.dir, 'restic-restored');
  resticOk(repo, PASSWORD, ['restore', 'latest', '--target', restored]);
  assert.equal(fingerprint(join(restored, fx.files)), fingerprint(fx.files));

  const readme = readFileSync(join(drive.mountPath, README_FILE), 'utf8');
  assert.match(readme, new RegExp(`restic -r ${repo} snapshots`));
  assert.match(readme, /cat trading\.db\.segments\/\*\/data > trading\.db/);
  assert.match(readme, /THE PASSWORD IS NOT ON THIS DRIVE/);
  for (const name of [README_FILE, FORMAT_FILE, '.quantai-offsite.json']) {
    assert.ok(!readFileSync(join(drive.mountPath, name), 'utf8').includes(PASSWORD), `${name} holds no password`);
  }
  assert.match(execFileSync(join(drive.mountPath, resticFileName()), ['version'], { encoding: 'utf8' }), /^restic /);

  // A second copy through the CLI: restic's files are all there already (only our own operations log may have grown).
  const env = { home: fx.home, password: PASSWORD };
  const cli = inProcessCli(fx.home);
  const resticFiles = (): string[] => listing(repo).filter((f) => !f.startsWith('quantai/'));
  const before = resticFiles();
  const bad = await cli(['offsite', 'copy', '--label', 'no/slash']);
  assert.equal(bad.code, 2, bad.stderr);
  assert.equal(bad.stderr.trim().split('\n').length, 1, bad.stderr);
  const again = await cli(['offsite', 'copy', '--label', 'vault-e', '--json']);
  assert.equal(again.code, 0, again.stderr);
  const second = parseJsonOutput<{ uploaded: number; skipped: number; recoveryKit: string[] }>(again);
  assert.ok(second.skipped >= first.uploaded, `skipped ${second.skipped}`);
  assert.deepEqual(resticFiles(), before, 'no restic file written again');
  assert.deepEqual(second.recoveryKit, [README_FILE], 'only the dated README changes between copies');

  const copies = new OffsiteStore(fx.engine.catalog).copies();
  assert.equal(copies.length, 2);
  assert.ok(copies.every((c) => c.ok === true && c.runId !== null));
  assert.deepEqual(copies[0]!.snapshotIds, first.snapshotIds);
  assert.equal(copies[0]!.newestSnapshotTime, new Date(Math.max(...local.map((s) => Date.parse(s.time)))).toISOString());
  assert.equal(fx.engine.catalog.lastRun('offsite')?.result, 'success');

  const config = await fx.engine.config();
  const ctx = { engine: fx.engine, catalog: fx.engine.catalog, clock: fx.clock, logger: fx.engine.logger, events: fx.engine.events, hostname: 'h' };
  const destinations = configuredDestinations(ctx, config);
  assert.deepEqual(destinations.map((d) => d.name), ['local', 'offsite']);
  assert.equal((await destinations[1]!.open()).id, (await fx.engine.openRepository()).id);

  // The CLI reads the drive in place: restore (the real entry point, spawned) and check --from offsite:<label>.
  const target = join(fx.dir, 'cli-restored');
  const restore = runCli(['restore', 'latest', '--kind', 'files', '--to', target, '--from', 'offsite:vault-e', '--json'], env);
  assert.equal(restore.code, 0, restore.stderr);
  assert.equal(fingerprint(join(target, fx.files)), fingerprint(fx.files));
  const check = await cli(['check', '--read-data', '--from', 'offsite:vault-e', '--json']);
  assert.equal(check.code, 0, check.stderr);
  assert.equal(parseJsonOutput<{ ok: boolean }>(check).ok, true);
  const unknown = await cli(['check', '--from', 'offsite:nope']);
  assert.equal(unknown.code, 1);
  assert.match(unknown.stderr, /^quantai-backup: error: no offsite drive is enrolled as 'nope' \(enrolled: vault-e\)/);
  assert.equal(unknown.stderr.trim().split('\n').length, 1);
});

test('vfat: the copy passes restic check --read-data and restores the source', async (t) => {
  if (!requireTool(t, 'restic')) return;
  const drive = loopDrive(t, { fs: 'vfat', label: 'VAULTV', sizeMiB: 48 });
  if (!drive) return;
  const fx = await offsiteFixture(t, 2);
  await fx.engine.offsiteEnroll(drive.mountPath, 'vault-v');
  // No restic binary in the kit here: FUSE vfat (where the kernel lacks vfat) writes slowly.
  const first = await fx.engine.offsiteCopy({ resticBinary: null });
  assert.ok(first.uploaded >= 5);
  assert.equal(first.snapshotIds.length, 1);
  // --no-lock: restic chmods its lock files, which FUSE vfat refuses with ENOSYS (kernel vfat answers EPERM, which restic ignores).
  resticOk(first.repositoryPath, PASSWORD, ['--no-lock', 'check', '--read-data']);
  const restored = join(fx.dir, 'restored');
  resticOk(first.repositoryPath, PASSWORD, ['--no-lock', 'restore', 'latest', '--target', restored]);
  assert.equal(fingerprint(join(restored, fx.files)), fingerprint(fx.files));
  const again = await fx.engine.offsiteCopy({ label: 'vault-v', resticBinary: null });
  assert.equal(again.snapshotIds.length, 1);
  assert.ok(again.skipped >= first.uploaded);
});
