import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { DashboardState, JobProgressView } from '../../../preload/ipc-contract.ts';
import { resticOk } from '../../support/restic.ts';
import { requireTool } from '../../support/tools.ts';
import { appFixture, PASSWORD, value, waitFor, type AppFixture } from './app-fixture.ts';

async function setUp(fx: AppFixture): Promise<void> {
  value(await fx.api.runWizard({ repoPath: fx.repoPath, dbPath: fx.dbPath, files: [fx.filesDir], password: PASSWORD }));
}

async function backUpNow(fx: AppFixture): Promise<DashboardState> {
  const started = value(await fx.api.backupNow());
  assert.deepEqual(started.started, ['snapshot', 'backup']);
  let state!: DashboardState;
  await waitFor('both runs to finish', async () => {
    state = value(await fx.api.getState());
    return state.running.length === 0 && ['snapshot', 'backup'].every((job) => state.recentRuns.some((r) => r.job === job && r.result !== 'running'));
  });
  return state;
}

test('Back up now returns at once, reports progress, and the dashboard shows the success', async (t) => {
  if (!requireTool(t, 'restic')) return;
  const fx = appFixture(t);
  await setUp(fx);
  const before = Date.now();
  const started = value(await fx.api.backupNow());
  assert.ok(Date.now() - before < 1000, 'backupNow does not wait for the backup');
  assert.deepEqual(started.started, ['snapshot', 'backup']);
  let state!: DashboardState;
  await waitFor('both runs to succeed', async () => {
    state = value(await fx.api.getState());
    return state.running.length === 0 && ['snapshot', 'backup'].every((job) => state.recentRuns.some((r) => r.job === job && r.result === 'success'));
  });
  const progress = fx.events.filter((e) => e.name === 'jobProgress').map((e) => e.payload as JobProgressView);
  assert.ok(progress.some((p) => p.job === 'snapshot'), 'snapshot progress was sent');
  assert.ok(progress.some((p) => p.job === 'backup'), 'backup progress was sent');
  const changes = fx.events.filter((e) => e.name === 'stateChanged').map((e) => e.payload as DashboardState);
  assert.ok(changes.some((s) => s.running.length > 0), 'a state change showed a running job');
  assert.equal(state.configured, true);
  assert.equal(state.scheduler.host, 'none');
  assert.equal(state.overall, 'healthy');
  assert.deepEqual(state.tiers.map((tier) => [tier.tier, tier.state]), [[1, 'healthy'], [2, 'healthy']]);
  assert.ok(state.tiers.every((tier) => tier.lastSuccess !== null && tier.nextRun !== null));
  assert.equal(state.jobs.find((j) => j.job === 'snapshot')?.lastResult, 'success');
  // The repository the app wrote is one restic reads.
  resticOk(fx.repoPath, PASSWORD, ['check', '--read-data']);
  const snapshots = value(await fx.api.listSnapshots());
  assert.deepEqual(snapshots.map((s) => s.kind).sort(), ['files', 'sqlite']);
  const restored = value(await fx.api.restoreSnapshot({ snapshotId: snapshots.find((s) => s.kind === 'sqlite')!.id, to: join(fx.dir, 'out.db') }));
  assert.match(restored.summary, /integrity check: ok/);
});

test('a failing source turns the state critical with the alert shown; pause and resume show in the state', async (t) => {
  const fx = appFixture(t);
  await setUp(fx);
  await backUpNow(fx);
  rmSync(fx.dbPath);
  const state = await backUpNow(fx);
  const failed = state.recentRuns.find((r) => r.job === 'snapshot')!;
  assert.equal(failed.result, 'failed');
  assert.ok(failed.errorMessage && failed.errorMessage.length > 0);
  // Two hours without a database snapshot: past tier 1's alert threshold.
  fx.clock.set(new Date(fx.clock.now().getTime() + 2 * 60 * 60_000));
  await fx.engine.evaluateAlerts();
  const after = value(await fx.api.getState());
  assert.equal(after.overall, 'critical');
  assert.equal(after.tiers.find((tier) => tier.tier === 1)?.state, 'critical');
  const alert = after.alerts.find((a) => a.key.startsWith('no-recent-backup') && a.resolvedAt === null);
  assert.ok(alert, JSON.stringify(after.alerts));
  assert.equal(alert.severity, 'critical');

  const paused = value(await fx.api.pause({ until: null, reason: 'exchange maintenance' }));
  assert.deepEqual(paused.paused, { until: null, reason: 'exchange maintenance' });
  assert.ok(paused.jobs.every((j) => j.state.startsWith('paused')));
  assert.equal(value(await fx.api.resume()).paused, null);
  const noReason = await fx.api.pause({ until: null, reason: '' });
  assert.ok(!noReason.ok && noReason.error.kind === 'invalid');
});

test('Run restore test returns a passing drill and its report', async (t) => {
  const fx = appFixture(t);
  await setUp(fx);
  await backUpNow(fx);
  const drills = value(await fx.api.runRestoreTest());
  assert.equal(drills.length, 1);
  const drill = drills[0]!;
  assert.equal(drill.ok, true, drill.summary);
  assert.equal(drill.withinRto, true);
  assert.equal(drill.destination, 'local');
  assert.deepEqual(value(await fx.api.listDrills()).map((d) => [d.id, d.ok]), [[drill.id, true]]);
  const { html } = value(await fx.api.getDrillReport({ id: drill.id }));
  assert.match(html, /<html/i);
  assert.ok(html.includes('passed'));
  const state = value(await fx.api.getState());
  assert.equal(state.destinations[0]?.lastDrill?.ok, true);
  const missing = await fx.api.getDrillReport({ id: drill.id + 100 });
  assert.ok(!missing.ok && missing.error.kind === 'not-found');
});

test('with the desktop app child-process executor, Back up now and Run restore test run outside this process', async (t) => {
  const fx = appFixture(t, { childProcesses: true });
  await setUp(fx);
  await backUpNow(fx);
  const drills = value(await fx.api.runRestoreTest());
  assert.equal(drills.length, 1);
  assert.equal(drills[0]!.ok, true, drills[0]!.summary);
  const runs = fx.engine.catalog.database.prepare('SELECT job, result, host_pid FROM runs ORDER BY id').all() as { job: string; result: string; host_pid: number }[];
  // Back up now starts both at once, in two processes: the order they record themselves in is a race.
  assert.deepEqual(runs.map((r) => r.job).filter((j) => j !== 'restore' && j !== 'drill').sort(), ['backup', 'snapshot']);
  assert.equal(runs.at(-1)?.job, 'drill');
  for (const run of runs) {
    assert.notEqual(run.host_pid, process.pid, `${run.job} ran in this process`);
    assert.equal(run.result, 'success', `${run.job}: ${run.result}`);
  }
});

test('methods answer with a result object, never a throw, before setup', async (t) => {
  const fx = appFixture(t);
  const state = value(await fx.api.getState());
  assert.equal(state.configured, false);
  for (const call of [fx.api.backupNow(), fx.api.getSettings(), fx.api.listSnapshots(), fx.api.runRestoreTest()]) {
    const r = await call;
    assert.equal(r.ok, false);
    assert.ok(!r.ok && r.error.kind === 'not-found' && r.error.message.length > 0);
  }
  const unknown = await fx.api.invoke('app:format-disk', {});
  assert.ok(!unknown.ok && unknown.error.kind === 'not-found');
  assert.deepEqual(value(await fx.api.openLogs()), { opened: false });
});

test('the state names a daemon that holds the scheduler lock', async (t) => {
  const fx = appFixture(t);
  await setUp(fx);
  // The test runner's parent process is alive and is not us: it stands in for the daemon.
  writeFileSync(join(fx.home, 'scheduler.lock'), JSON.stringify({ pid: process.ppid, hostname: hostname(), host: 'daemon', startedAt: '2026-03-02T21:00:00.000Z' }));
  const state = value(await fx.api.getState());
  assert.equal(state.scheduler.host, 'daemon');
  assert.ok(state.scheduler.detail.includes(`pid ${process.ppid}`), state.scheduler.detail);
});
