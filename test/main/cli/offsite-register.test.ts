/**
 * The rotation register through the real CLI: checkout / checkin recorded in
 * the catalog (read back with sqlite3), nonsense refused with one line and
 * nothing written, `offsite list` showing where each drive is and what is due,
 * and `status` carrying the offsite destination and its reminders. Drives and
 * copies are written to the catalog directly (enrolment and copying are tested
 * with real drives in test/main/engine/offsite/).
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { Catalog } from '../../../main/engine/catalog/catalog.ts';
import type { HealthReport } from '../../../main/engine/health/health-types.ts';
import type { OffsiteReport } from '../../../main/engine/offsite/offsite-report.ts';
import { OffsiteStore } from '../../../main/engine/offsite/offsite-store.ts';
import { main } from '../../../main/cli/main.ts';
import { parseJsonOutput, runCli, type CliResult } from '../../support/cli.ts';
import { tempDir } from '../../support/temp-dir.ts';
import { requireTool } from '../../support/tools.ts';

const DAY = 24 * 3_600_000;
const ago = (days: number): Date => new Date(Date.now() - days * DAY);

function setup(t: TestContext): string {
  const dir = tempDir(t);
  const home = join(dir, 'home');
  mkdirSync(home);
  writeFileSync(join(home, 'config.json'), JSON.stringify({ repository: { path: join(dir, 'repo') } }));
  const catalog = Catalog.open(join(home, 'catalog.db'));
  const store = new OffsiteStore(catalog);
  const a = store.addDrive({ label: 'vault-a', fsUuid: '1111-aaaa', fsType: 'ext4', markerId: 'm-a', enrolledAt: ago(50).toISOString() });
  store.addDrive({ label: 'vault-b', fsUuid: '2222-bbbb', fsType: 'vfat', markerId: 'm-b', enrolledAt: ago(50).toISOString() });
  const copy = store.startCopy(a.id, null, ago(40.1));
  store.finishCopy(copy, { finishedAt: ago(40), ok: true, newestSnapshotTime: ago(40.2).toISOString(), snapshotIds: ['a'.repeat(64), 'b'.repeat(64)], filesCopied: 9, bytesCopied: 1000 });
  catalog.close();
  return home;
}

/** The CLI's main() in this process (the spawned binary is used where the test says so: it costs seconds per call here). */
async function cli(args: string[], home: string): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const code = await main(args, { stdout: (x) => { stdout += x; }, stderr: (x) => { stderr += x; }, env: { QUANTAI_BACKUP_HOME: home }, stderrIsTty: false });
  return { code, stdout, stderr };
}

function oneLineError(r: CliResult, pattern: RegExp): void {
  assert.equal(r.code, 1, `exit 1 expected:\n${r.stdout}\n${r.stderr}`);
  const lines = r.stderr.trim().split('\n');
  assert.equal(lines.length, 1, r.stderr);
  assert.match(lines[0]!, pattern);
}

function movements(t: TestContext, home: string): string {
  if (!requireTool(t, 'sqlite3')) return '';
  return execFileSync('sqlite3', [join(home, 'catalog.db'), "SELECT d.label, m.kind, coalesce(m.note, '-') FROM offsite_movements m JOIN offsite_drives d ON d.id = m.drive_id ORDER BY m.id"], { encoding: 'utf8' }).trim();
}

test('checkout and checkin: recorded with notes; nonsense refused with one line and nothing written', async (t) => {
  const home = setup(t);
  const out = runCli(['offsite', 'checkout', 'vault-a', '--note', 'vault 7, J. Doe', '--json'], { home });
  assert.equal(out.code, 0, out.stderr);
  const moved = parseJsonOutput<{ label: string; kind: string; note: string; time: string }>(out);
  assert.equal(moved.label, 'vault-a');
  assert.equal(moved.kind, 'checkout');
  assert.equal(moved.note, 'vault 7, J. Doe');
  assert.ok(Math.abs(Date.parse(moved.time) - Date.now()) < 60_000);

  oneLineError(await cli(['offsite', 'checkout', 'vault-a'], home), /drive 'vault-a' is already checked out .*offsite checkin vault-a/);
  oneLineError(await cli(['offsite', 'checkout', 'vault-z'], home), /no offsite drive is enrolled with the label 'vault-z' \(enrolled: vault-a, vault-b\)/);
  oneLineError(await cli(['offsite', 'checkout', 'vault-b'], home), /'vault-b' holds no completed copy.*--force/);
  // A copy to the drive still running (its run is alive: this process): it cannot have left yet.
  const catalog = Catalog.open(join(home, 'catalog.db'));
  const run = catalog.startRun('offsite', new Date());
  const store = new OffsiteStore(catalog);
  const copy = store.startCopy(store.driveByLabel('vault-b')!.id, run, new Date());
  oneLineError(await cli(['offsite', 'checkout', 'vault-b', '--force'], home), new RegExp(`a copy to offsite drive 'vault-b' is running \\(run ${run}, started .*offsite eject vault-b`));
  store.finishCopy(copy, { finishedAt: new Date(), ok: false, error: 'cancelled' });
  catalog.finishRun(run, { endedAt: new Date(), result: 'failed' });
  catalog.close();
  oneLineError(await cli(['offsite', 'checkin', 'vault-b'], home), /'vault-b' is not checked out/);
  assert.equal(movements(t, home), 'vault-a|checkout|vault 7, J. Doe', 'only the one valid movement was written');

  const back = await cli(['offsite', 'checkin', 'vault-a'], home);
  assert.equal(back.code, 0, back.stderr);
  assert.match(back.stdout, /drive 'vault-a' checked in at .* \(offsite since /);
  oneLineError(await cli(['offsite', 'checkin', 'vault-a'], home), /'vault-a' is not checked out: it is onsite since/);
  const forced = await cli(['offsite', 'checkout', 'vault-b', '--force'], home);
  assert.equal(forced.code, 0, forced.stderr);
  assert.equal(movements(t, home), 'vault-a|checkout|vault 7, J. Doe\nvault-a|checkin|-\nvault-b|checkout|-');
  const usage = await cli(['offsite', 'checkout'], home);
  assert.equal(usage.code, 2, 'a missing label is a usage error');
});

test('offsite list: where each drive is, what it holds, and what is due; status carries the reminders', async (t) => {
  const home = setup(t);
  assert.equal((await cli(['offsite', 'checkout', 'vault-a'], home)).code, 0);
  const r = runCli(['offsite', 'list', '--json'], { home });
  assert.equal(r.code, 0, r.stderr);
  const report = parseJsonOutput<OffsiteReport>(r);
  assert.equal(report.rotationDays, 30);
  assert.equal(report.copy.due, true, 'the only copy is 40 days old');
  assert.equal(report.copy.nextDrive, 'vault-b');
  const [a, b] = report.drives;
  assert.equal(a?.label, 'vault-a');
  assert.equal(a?.location, 'offsite');
  assert.equal(a?.snapshotCount, 2);
  assert.ok(a?.newestSnapshotTime && Math.abs(Date.parse(a.newestSnapshotTime) - ago(40.2).getTime()) < 120_000, a?.newestSnapshotTime ?? 'null');
  assert.ok(a?.leftAt && Math.abs(Date.parse(a.leftAt) - Date.now()) < 60_000);
  assert.equal(a?.returnedAt, null);
  assert.equal(b?.location, 'onsite');
  assert.equal(b?.lastCopy, null);
  assert.deepEqual(b?.due.map((d) => d.kind), ['copy-due']);

  const human = await cli(['offsite', 'list'], home);
  assert.equal(human.code, 0, human.stderr);
  assert.match(human.stdout, /a copy is DUE/);
  assert.match(human.stdout, /vault-a {2}OFFSITE since /);
  assert.match(human.stdout, /holds 2 snapshots up to /);
  assert.match(human.stdout, /vault-b {2}onsite {2}\(vfat, UUID 2222-bbbb\)\n {2}never copied/);
  assert.match(human.stdout, /due: Offsite copy due: connect drive 'vault-b'/);

  const status = await cli(['status', '--json'], home);
  const health = parseJsonOutput<{ health: HealthReport }>(status).health;
  const offsite = health.destinations.find((d) => d.name === 'offsite');
  assert.ok(offsite, JSON.stringify(health.destinations));
  assert.equal(offsite.state, 'warning');
  const keys = health.conditions.map((c) => c.key);
  assert.ok(keys.includes('offsite-copy-due'), keys.join());
  assert.ok(keys.includes('destination-stale:offsite'), `the 40-day-old copy is past the 31-day limit: ${keys.join()}`);
});

test('offsite list without drives says how to enrol one', async (t) => {
  const dir = tempDir(t);
  writeFileSync(join(dir, 'config.json'), JSON.stringify({ repository: { path: join(dir, 'repo') } }));
  const r = await cli(['offsite', 'list'], dir);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /no offsite drive is enrolled: enroll one with `quantai-backup offsite enroll/);
});
