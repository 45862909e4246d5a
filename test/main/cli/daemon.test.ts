/**
 * Real time, real processes: `quantai-backup daemon` with a one-minute snapshot
 * schedule takes a snapshot each minute, on time, each in its own child
 * process; SIGTERM in the middle of a snapshot stops it cleanly: exit 0, the
 * lock released, no run left 'running', and the repository intact for restic.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { runCli, startCli } from '../../support/cli.ts';
import { restic, resticOk } from '../../support/restic.ts';
import { requireTool } from '../../support/tools.ts';
import { tempDir } from '../../support/temp-dir.ts';
import { createTradingDb } from '../../support/trading-db.ts';

const PASSWORD = 'daemon-test-password';
const SCHEDULED_SNAPSHOTS = 3;

interface Started {
  at: number;
  scheduledFor: string | null;
  catchUp: boolean;
}

test('daemon: a snapshot every minute on time, then SIGTERM mid-snapshot exits 0 with the repository intact', { timeout: 330_000 }, async (t) => {
  if (!requireTool(t, 'restic')) return;
  const dir = tempDir(t);
  const home = join(dir, 'home');
  const repo = join(dir, 'repo');
  const db = join(dir, 'trading.db');
  // Large enough that a snapshot takes seconds, so SIGTERM lands inside one.
  createTradingDb(db, { accounts: 20, trades: 10_000, targetBytes: 60 * 1024 * 1024 });
  const env = { home, password: PASSWORD };
  const init = runCli(['init', '--db', db, '--repo', repo], env);
  assert.equal(init.code, 0, init.stderr);
  const configFile = join(home, 'config.json');
  const config = JSON.parse(readFileSync(configFile, 'utf8')) as Record<string, unknown>;
  const off = { enabled: false };
  config.schedule = {
    jobs: { snapshot: { cron: '* * * * *' }, backup: off, full: off, cloud: off, offsite: off, verify: off, retention: off, drill: off },
    blackouts: [],
  };
  writeFileSync(configFile, JSON.stringify(config, null, 2));

  const daemon = startCli(['daemon'], env);
  let stderr = '';
  const starts: Started[] = [];
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => daemon.on('exit', (code, signal) => resolve({ code, signal })));
  daemon.stderr!.setEncoding('utf8');
  daemon.stderr!.on('data', (chunk: string) => {
    stderr += chunk;
    for (const line of chunk.split('\n')) {
      const m = / INFO snapshot started( \(catch-up\))?(?: (\{.*\}))?$/.exec(line);
      if (!m) continue;
      const fields = m[2] ? (JSON.parse(m[2]) as { scheduledFor?: string }) : {};
      starts.push({ at: Date.now(), scheduledFor: fields.scheduledFor ?? null, catchUp: Boolean(m[1]) });
    }
  });
  t.after(() => {
    if (daemon.exitCode === null && daemon.signalCode === null) daemon.kill('SIGKILL');
  });

  const waitFor = async (cond: () => boolean, ms: number, what: string, everyMs = 200) => {
    const end = Date.now() + ms;
    while (!cond()) {
      if (Date.now() > end) assert.fail(`timed out waiting for ${what}\n${stderr}`);
      if (daemon.exitCode !== null) assert.fail(`the daemon exited ${daemon.exitCode} early\n${stderr}`);
      await new Promise((r) => setTimeout(r, everyMs));
    }
  };
  const scheduled = () => starts.filter((s) => !s.catchUp);

  // While it runs, a second host is refused and `jobs` names the daemon.
  await waitFor(() => existsSync(join(home, 'scheduler.lock')), 30_000, 'the scheduler lock');
  const second = runCli(['daemon'], env);
  assert.equal(second.code, 1);
  assert.match(second.stderr, /another scheduler is running for this home folder: `quantai-backup daemon` \(pid \d+/);
  const jobs = JSON.parse(runCli(['jobs', '--json'], env).stdout) as { scheduler: { running: boolean; holder: { pid: number } } };
  assert.equal(jobs.scheduler.running, true);
  assert.equal(jobs.scheduler.holder.pid, daemon.pid);

  await waitFor(() => scheduled().length >= SCHEDULED_SNAPSHOTS, (SCHEDULED_SNAPSHOTS + 1) * 60_000, `${SCHEDULED_SNAPSHOTS} scheduled snapshots`);
  for (const s of scheduled()) {
    assert.ok(s.scheduledFor, 'a scheduled run names its slot');
    const late = s.at - Date.parse(s.scheduledFor!);
    assert.ok(late >= 0 && late < 20_000, `snapshot for ${s.scheduledFor} started ${late} ms after its minute`);
  }

  // SIGTERM inside a snapshot: once its copy of the database is in tmp/ (the copy stays until the snapshot ends).
  // A fixed delay after the start line is not enough: on a fast machine a snapshot of the unchanged database
  // takes about 2 s, start-up included. If the poll misses one, the next minute's snapshot is caught.
  const tmp = join(home, 'tmp');
  const copying = () => existsSync(tmp) && readdirSync(tmp).some((n) => n.endsWith('.copy'));
  await waitFor(copying, 90_000, 'a snapshot copying the database', 10);
  const killedAt = Date.now();
  daemon.kill('SIGTERM');
  let timer: NodeJS.Timeout | undefined;
  const exit = await Promise.race([exited, new Promise<null>((r) => (timer = setTimeout(() => r(null), 60_000)))]);
  clearTimeout(timer);
  assert.ok(exit, `the daemon did not exit within 60 s of SIGTERM\n${stderr}`);
  assert.deepEqual(exit, { code: 0, signal: null }, stderr);
  t.diagnostic(`daemon exited ${Date.now() - killedAt} ms after SIGTERM`);
  assert.match(stderr, /stopping snapshot \(pid \d+\): SIGTERM/);
  assert.equal(existsSync(join(home, 'scheduler.lock')), false, 'the lock is released');

  const catalog = new Database(join(home, 'catalog.db'), { readonly: true });
  const runs = catalog.prepare("SELECT id, result FROM runs WHERE job = 'snapshot' ORDER BY id").all() as { id: number; result: string }[];
  catalog.close();
  assert.equal(runs.filter((r) => r.result === 'running').length, 0, JSON.stringify(runs));
  // The catch-up at start and every scheduled one before the interrupted one.
  assert.ok(runs.filter((r) => r.result === 'success').length >= SCHEDULED_SNAPSHOTS, JSON.stringify(runs));

  resticOk(repo, PASSWORD, ['unlock']);
  const check = restic(repo, PASSWORD, ['check']);
  assert.equal(check.code, 0, `${check.stdout}\n${check.stderr}`);
  const ours = runCli(['check'], env);
  assert.equal(ours.code, 0, ours.stderr);
  const snapshots = JSON.parse(resticOk(repo, PASSWORD, ['snapshots', '--json'])) as unknown[];
  assert.ok(snapshots.length >= SCHEDULED_SNAPSHOTS, `${snapshots.length} snapshots in the repository`);
});
