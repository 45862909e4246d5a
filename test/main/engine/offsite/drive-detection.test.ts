/**
 * Detection end to end through the scheduler host (the daemon's and the tray's
 * code path), the offsite job run as the daemon runs it (a child process): an enrolled ext4 drive
 * mounted during the test is noticed, the copy is queued because it is due,
 * the user is told "copying" then "safe to eject", and restic reads the copy.
 * Mounted again the next minute, no copy is due: told so, nothing runs. A
 * look-alike (same label, another file system) is reported, never written to.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { createEngine } from '../../../../main/engine/engine.ts';
import type { OffsiteNotice } from '../../../../main/engine/offsite/drive-arrival.ts';
import { CLI_ENTRY } from '../../../support/cli.ts';
import { tempDir } from '../../../support/temp-dir.ts';
import { requireTool } from '../../../support/tools.ts';

const PASSWORD = 'detect-pw';

function isMounted(mountPath: string): boolean {
  return readFileSync('/proc/self/mounts', 'utf8').split('\n').some((l) => l.split(' ')[1] === mountPath);
}

function image(dir: string, name: string, label: string): string {
  const file = join(dir, `${name}.img`);
  execFileSync('truncate', ['-s', '24M', file]);
  execFileSync('mkfs.ext4', ['-q', '-L', label, file]);
  return file;
}

function mount(file: string, at: string): void {
  execFileSync('mount', ['-o', 'loop', file, at]);
}

function unmountAll(paths: readonly string[]): void {
  for (const p of paths) if (isMounted(p)) execFileSync('umount', [p]);
}

async function until<T>(what: string, look: () => T | undefined, ms = 60_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const found = look();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

test('a drive connected while the scheduler runs: copy when due, notify, then "no copy due"', { skip: process.getuid?.() !== 0 ? 'needs root to mount' : false }, async (t) => {
  for (const tool of ['mkfs.ext4', 'mount', 'findmnt', 'restic']) if (!requireTool(t, tool)) return;
  const dir = tempDir(t);
  const home = join(dir, 'home');
  const files = join(dir, 'files');
  mkdirSync(files);
  writeFileSync(join(files, 'positions.csv'), 'AAPL,100\nMSFT,-50\n');
  const engine = createEngine({ home, kdf: { N: 1024, r: 8, p: 1 }, secrets: { repositoryPassword: async () => PASSWORD, secret: async () => null } });
  t.after(() => engine.close());
  await engine.initialize({ repoPath: join(dir, 'repo'), files: [files] });
  // No scheduled job may run by itself here (catch-up at start), and no blackout holds the heavy offsite job.
  const config = JSON.parse(readFileSync(engine.paths.configFile, 'utf8')) as Record<string, unknown>;
  const jobs = Object.fromEntries(['snapshot', 'backup', 'full', 'cloud', 'offsite', 'verify', 'retention', 'drill'].map((j) => [j, { enabled: false }]));
  writeFileSync(engine.paths.configFile, JSON.stringify({ ...config, schedule: { jobs, blackouts: [] } }));
  const backup = await engine.backupFiles();

  const driveMount = join(dir, 'drive');
  mkdirSync(driveMount);
  const driveImage = image(dir, 'vault', 'vault-a');
  mount(driveImage, driveMount);
  await engine.offsiteEnroll(driveMount, 'vault-a');
  execFileSync('umount', [driveMount]);

  const notices: OffsiteNotice[] = [];
  engine.events.on('offsite-drive', (n) => notices.push(n));
  // The daemon's own executor: the job runs as `quantai-backup run offsite` in a child process.
  const env: NodeJS.ProcessEnv = { ...process.env, QUANTAI_BACKUP_PASSWORD: PASSWORD };
  delete env['NODE_TEST_CONTEXT'];
  const hosted = await engine.startScheduler({
    host: 'daemon', command: [process.execPath, CLI_ENTRY], env, evaluateAlerts: async () => undefined, driveWatch: { intervalMs: 100 },
  });

  const fakeMount = join(dir, 'lookalike');
  // Unmounted before the temporary folder is removed, and the scheduler stopped, whatever fails.
  try {
    await connectAndCopy();
  } finally {
    await hosted.stop();
    unmountAll([driveMount, fakeMount]);
  }

  async function connectAndCopy(): Promise<void> {
    mount(driveImage, driveMount);
    const copying = await until('the copying notice', () => notices.find((n) => n.kind === 'copying'));
    assert.equal(copying.label, 'vault-a');
    assert.equal(copying.title, 'Offsite drive vault-a connected: copying');
    const done = await until('the copy to finish', () => notices.find((n) => n.kind === 'copied' || n.kind === 'copy-failed'), 120_000);
    assert.equal(done.kind, 'copied', done.message);
    assert.equal(done.title, 'Offsite copy to vault-a done: safe to eject');
    const runs = engine.catalog.recentRuns(10, 'offsite');
    assert.equal(runs.length, 1);
    assert.equal(runs[0]?.result, 'success');

    // The drive holds a repository restic reads, with the snapshot just taken.
    const repoOnDrive = readdirSync(driveMount).map((n) => join(driveMount, n)).find((p) => existsSync(join(p, 'config')));
    assert.ok(repoOnDrive, `a repository on the drive: ${readdirSync(driveMount).join(', ')}`);
    const env = { ...process.env, RESTIC_PASSWORD: PASSWORD };
    execFileSync('restic', ['-r', repoOnDrive, 'check', '--read-data', '--no-lock'], { env, stdio: 'pipe' });
    const snapshots = JSON.parse(execFileSync('restic', ['-r', repoOnDrive, 'snapshots', '--json', '--no-lock'], { env, encoding: 'utf8' })) as { id: string }[];
    assert.ok(snapshots.some((s) => s.id === backup.snapshotId), 'the backup is on the drive');

    // Connected again: the copy is fresh, so nothing runs.
    const before = notices.length;
    execFileSync('umount', [driveMount]);
    // Unplugged for a few polls (a quick remount can reuse the loop device and look unchanged between two polls).
    await new Promise((r) => setTimeout(r, 500));
    mount(driveImage, driveMount);
    const connected = await until('the connected notice', () => notices.slice(before).find((n) => n.kind === 'connected'));
    assert.match(connected.message, /no copy is due \(the next one is due /);
    await hosted.scheduler.whenIdle();
    assert.equal(engine.catalog.recentRuns(10, 'offsite').length, 1, 'no second copy');

    // Same label, another file system: refused, and nothing is written to it.
    mkdirSync(fakeMount);
    const fake = image(dir, 'fake', 'vault-a');
    const beforeFake = notices.length;
    mount(fake, fakeMount);
    const refused = await until('the refusal', () => notices.slice(beforeFake).find((n) => n.kind === 'refused'));
    assert.equal(refused.mountPath, fakeMount);
    assert.deepEqual(readdirSync(fakeMount).filter((n) => n !== 'lost+found'), []);
  }
});
