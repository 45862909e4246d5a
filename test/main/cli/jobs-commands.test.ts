/** `jobs`, `run`, `pause` and `resume` through the real CLI process. */
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseJsonOutput, runCli } from '../../support/cli.ts';
import { tempDir } from '../../support/temp-dir.ts';
import { createTradingDb } from '../../support/trading-db.ts';

interface JobsJson {
  timezone: string;
  scheduler: { running: boolean; text: string };
  jobs: { job: string; state: string; stateText: string; cron: string; lane: string; nextRunAt: string | null; lastRun: { result: string; errorMessage: string | null } | null; pause: { until: string | null; reason: string } | null }[];
}

function configuredHome(t: Parameters<typeof tempDir>[0]): { home: string; dir: string } {
  const dir = tempDir(t);
  const home = join(dir, 'home');
  mkdirSync(home);
  writeFileSync(join(home, 'config.json'), JSON.stringify({ version: 1, repository: { path: join(dir, 'repo') } }));
  return { home, dir };
}

const job = (r: JobsJson, name: string) => r.jobs.find((j) => j.job === name)!;

test('run rejects an unknown job by name with exit 2', (t) => {
  const { home } = configuredHome(t);
  const r = runCli(['run', 'snapshots'], { home });
  assert.equal(r.code, 2);
  assert.equal(r.stderr.trim(), 'quantai-backup: error: unknown job "snapshots" (known jobs: snapshot, backup, full, cloud, offsite, verify, retention, drill)');
});

test('run of a job that cannot run here records a skipped run with its reason, never a success', (t) => {
  const { home } = configuredHome(t);
  // The cloud tier is built but not enabled in this config: its run says so.
  const cloud = runCli(['run', 'cloud', '--json'], { home });
  assert.equal(cloud.code, 3, cloud.stderr);
  const cloudOut = parseJsonOutput<{ job: string; result: string; reason: string; runId: number }>(cloud);
  assert.equal(cloudOut.result, 'skipped');
  assert.match(cloudOut.reason, /cloud tier is not enabled/);
  // No enrolled offsite drive is mounted: the offsite run says so and copies nothing.
  const r = runCli(['run', 'offsite', '--json'], { home });
  assert.equal(r.code, 3, r.stderr);
  const out = parseJsonOutput<{ job: string; result: string; reason: string; runId: number }>(r);
  assert.equal(out.result, 'skipped');
  assert.match(out.reason, /no enrolled offsite drive is mounted/);
  assert.match(r.stderr, /warning: offsite skipped/);
  const jobs = parseJsonOutput<JobsJson>(runCli(['jobs', '--json'], { home }));
  assert.equal(job(jobs, 'offsite').lastRun?.result, 'skipped');
});

test('jobs lists every job with its schedule and says when nothing schedules', (t) => {
  const { home } = configuredHome(t);
  // The CLI reads its clock between these two: near a quarter hour, its next slot may already be past by `after`.
  const before = Date.now();
  const r = runCli(['jobs', '--json'], { home });
  const after = Date.now();
  assert.equal(r.code, 0, r.stderr);
  const jobs = parseJsonOutput<JobsJson>(r);
  assert.deepEqual(jobs.jobs.map((j) => j.job), ['snapshot', 'backup', 'full', 'cloud', 'offsite', 'verify', 'retention', 'drill']);
  assert.equal(jobs.timezone, 'America/New_York');
  assert.equal(jobs.scheduler.running, false);
  assert.equal(job(jobs, 'snapshot').lane, 'critical');
  assert.equal(job(jobs, 'snapshot').state, 'scheduled');
  const next = Date.parse(job(jobs, 'snapshot').nextRunAt!);
  assert.ok(next > before && next <= after + 15 * 60_000, `next snapshot within 15 minutes of the run: ${job(jobs, 'snapshot').nextRunAt}`);
  const text = runCli(['jobs'], { home });
  assert.match(text.stdout, /^NOT SCHEDULING: no scheduler is running/m);
  assert.match(text.stdout, /^snapshot\s+\*\/15 \* \* \* \*\s+critical/m);
});

test('pause shows "paused until X because Y"; resume clears it; both refuse unknown jobs', (t) => {
  const { home } = configuredHome(t);
  const paused = runCli(['pause', 'backup', 'full', '--until', '2h', '--reason', 'NAS maintenance', '--json'], { home });
  assert.equal(paused.code, 0, paused.stderr);
  const p = parseJsonOutput<{ jobs: string[]; until: string; reason: string }>(paused);
  assert.deepEqual(p.jobs, ['backup', 'full']);
  assert.ok(Math.abs(Date.parse(p.until) - (Date.now() + 2 * 3_600_000)) < 60_000);
  let jobs = parseJsonOutput<JobsJson>(runCli(['jobs', '--json'], { home }));
  assert.equal(job(jobs, 'backup').state, 'paused');
  assert.match(job(jobs, 'backup').stateText, /^paused until \d{4}-\d{2}-\d{2} \d{2}:\d{2} because NAS maintenance$/);
  assert.equal(job(jobs, 'snapshot').state, 'scheduled');

  assert.equal(runCli(['pause', 'snapshot', '--reason', 'disk swap'], { home }).code, 0);
  jobs = parseJsonOutput<JobsJson>(runCli(['jobs', '--json'], { home }));
  assert.equal(job(jobs, 'snapshot').stateText, 'paused until resumed because disk swap');

  const resumed = runCli(['resume', '--json'], { home });
  assert.deepEqual(parseJsonOutput<{ resumed: string[] }>(resumed).resumed, ['snapshot', 'backup', 'full']);
  jobs = parseJsonOutput<JobsJson>(runCli(['jobs', '--json'], { home }));
  assert.ok(jobs.jobs.every((j) => j.pause === null));

  const bad = runCli(['pause', 'bakup', '--reason', 'x'], { home });
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /unknown job "bakup"/);
  assert.equal(runCli(['pause', 'backup'], { home }).code, 2, 'a pause without a reason is refused');
  const badTime = runCli(['pause', 'backup', '--reason', 'x', '--until', 'later'], { home });
  assert.equal(badTime.code, 2);
  assert.match(badTime.stderr, /--until "later" is not understood/);
});

test('run snapshot --progress-json prints one JSON event per line, the result last', (t) => {
  const dir = tempDir(t);
  const home = join(dir, 'home');
  const db = join(dir, 'trading.db');
  createTradingDb(db, { accounts: 3, trades: 200 });
  const env = { home, password: 'progress-test', extraEnv: {} };
  assert.equal(runCli(['init', '--db', db, '--repo', join(dir, 'repo')], env).code, 0);
  const r = runCli(['run', 'snapshot', '--progress-json'], env);
  assert.equal(r.code, 0, r.stderr);
  const events = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { event: string; result?: string; snapshotId?: string });
  assert.equal(events[0]!.event, 'job-started');
  assert.ok(events.some((e) => e.event === 'job-progress'));
  assert.equal(events.at(-2)!.event, 'job-finished');
  const result = events.at(-1)!;
  assert.equal(result.event, 'result');
  assert.equal(result.result, 'success');
  assert.match(result.snapshotId!, /^[0-9a-f]{64}$/);
});
