/**
 * `offsite eject` on a real loop-mounted ext4 drive enrolled the real way:
 * refused while an offsite copy runs and while a process holds the drive (the
 * line names it), then flushed and unmounted. The per-OS plan is checked as data.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { main } from '../../../../main/cli/main.ts';
import { Catalog } from '../../../../main/engine/catalog/catalog.ts';
import { ejectPlan } from '../../../../main/engine/offsite/eject.ts';
import { enrollDrive } from '../../../../main/engine/offsite/enrolment.ts';
import { tempDir } from '../../../support/temp-dir.ts';
import { requireTool } from '../../../support/tools.ts';

test('the eject plan per OS: udisks when present (power-off only for real disks), umount otherwise', () => {
  assert.deepEqual(ejectPlan('linux', '/media/u/A', '/dev/sdb1', { udisksctl: false }), {
    flush: { file: 'sync', args: ['-f', '/media/u/A'] }, unmount: { file: 'umount', args: ['/media/u/A'] }, powerOff: null,
  });
  const udisks = ejectPlan('linux', '/media/u/A', '/dev/sdb1', { udisksctl: true });
  assert.deepEqual(udisks.unmount?.args, ['unmount', '--no-user-interaction', '-b', '/dev/sdb1']);
  assert.deepEqual(udisks.powerOff?.args, ['power-off', '--no-user-interaction', '-b', '/dev/sdb1']);
  assert.equal(ejectPlan('linux', '/mnt/img', '/dev/loop4', { udisksctl: true }).powerOff, null, 'a loop device has nothing to power off');
  assert.deepEqual(ejectPlan('darwin', '/Volumes/A', 'disk4s1', { udisksctl: false }).unmount, { file: 'diskutil', args: ['eject', '/Volumes/A'] });
  assert.deepEqual(ejectPlan('win32', 'E:\\', '', { udisksctl: false }), { flush: null, unmount: null, powerOff: null });
});

function mounted(mountPath: string): boolean {
  return readFileSync('/proc/self/mounts', 'utf8').split('\n').some((l) => l.split(' ')[1] === mountPath);
}

/** A small labelled ext4 image, loop-mounted (the loop device is freed on unmount). */
function loopDrive(t: TestContext, dir: string, label: string): string {
  const image = join(dir, `${label}.img`);
  const mount = join(dir, label);
  mkdirSync(mount);
  execFileSync('truncate', ['-s', '16M', image]);
  execFileSync('mkfs.ext4', ['-q', '-L', label, image]);
  execFileSync('mount', ['-o', 'loop', image, mount]);
  t.after(() => {
    if (mounted(mount)) execFileSync('umount', [mount]);
  });
  return mount;
}

async function cli(args: string[], home: string): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await main(args, { stdout: (x) => { stdout += x; }, stderr: (x) => { stderr += x; }, env: { QUANTAI_BACKUP_HOME: home }, stderrIsTty: false });
  return { code, stdout, stderr };
}

test('eject a loop-mounted drive: refused while a copy runs or a process holds it, then unmounted', { skip: process.getuid?.() !== 0 ? 'needs root to mount' : false }, async (t) => {
  for (const tool of ['mkfs.ext4', 'mount', 'findmnt']) if (!requireTool(t, tool)) return;
  const dir = tempDir(t);
  const home = join(dir, 'home');
  mkdirSync(home);
  const mount = loopDrive(t, dir, 'ejectme');
  const catalog = Catalog.open(join(home, 'catalog.db'));
  t.after(() => catalog.close());
  await enrollDrive({ catalog, clock: { now: () => new Date() }, repositoryId: 'ab'.repeat(32) }, mount, 'ejectme');

  // A copy running (in this process, so it is alive): eject would cut it.
  const run = catalog.startRun('offsite', new Date());
  const busyCopy = await cli(['offsite', 'eject', 'ejectme'], home);
  assert.equal(busyCopy.code, 1);
  assert.match(busyCopy.stderr, /^quantai-backup: error: an offsite copy is running \(run \d+, started .*\): wait for it to finish before ejecting drive 'ejectme'/);
  assert.equal(busyCopy.stderr.trim().split('\n').length, 1);
  assert.ok(mounted(mount));
  catalog.finishRun(run, { endedAt: new Date(), result: 'success' });

  // A shell sitting in a folder of the drive holds it.
  mkdirSync(join(mount, 'inside'));
  const holder = spawn('sleep', ['60'], { cwd: join(mount, 'inside'), stdio: 'ignore' });
  t.after(() => holder.kill('SIGKILL'));
  await new Promise((r) => holder.once('spawn', r));
  const busy = await cli(['offsite', 'eject', 'ejectme'], home);
  assert.equal(busy.code, 1);
  assert.equal(busy.stderr.trim().split('\n').length, 1, busy.stderr);
  assert.match(busy.stderr, new RegExp(`cannot unmount drive 'ejectme' at ${mount}: it is in use by sleep \\(pid ${holder.pid}\\); close what uses it`));
  assert.ok(mounted(mount), 'still mounted');
  holder.kill('SIGKILL');
  await new Promise((r) => holder.once('exit', r));

  const ok = await cli(['offsite', 'eject', 'ejectme', '--json'], home);
  assert.equal(ok.code, 0, ok.stderr);
  const outcome = JSON.parse(ok.stdout) as { flushed: boolean; unmounted: boolean; message: string; mountPath: string };
  assert.equal(outcome.flushed, true);
  assert.equal(outcome.unmounted, true);
  assert.equal(outcome.mountPath, mount);
  assert.match(outcome.message, /drive 'ejectme' is unmounted: safe to remove/);
  assert.ok(!mounted(mount), 'unmounted');
  assert.equal(catalog.recentEvents(5).filter((e) => e.type === 'offsite-eject').length, 1);

  const again = await cli(['offsite', 'eject', 'ejectme'], home);
  assert.equal(again.code, 1);
  assert.match(again.stderr, /offsite drive 'ejectme' .* is not mounted: connect it and run again/);
});
