/**
 * `forget` and `hold` on a real repository: one real database snapshot taken by
 * the CLI, then a history of snapshots of the same tree at chosen times (the
 * CLI cannot take a snapshot in the past). restic is the oracle: after forget,
 * `restic snapshots` lists exactly what our dry run said stays, and
 * `restic check` passes, also right after a kill -9 in the middle of a forget.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { LocalBackend } from '../../../main/engine/backends/local-backend.ts';
import { Repository } from '../../../main/engine/repo/repository.ts';
import { parseJsonOutput, runCli, type CliResult } from '../../support/cli.ts';
import { startCliChild } from '../../support/cli-child.ts';
import { restic, resticOk } from '../../support/restic.ts';
import { requireTool } from '../../support/tools.ts';
import { tempDir } from '../../support/temp-dir.ts';
import { createTradingDb } from '../../support/trading-db.ts';

const PASSWORD = 'forget-test-password';
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

interface Decision { id: string; time: string; className: string | null; keep: boolean; reasons: string[] }
interface Report { total: number; kept: number; forgotten: number; brakeTripped: boolean; decisions: Decision[]; removed: string[] }
interface HoldJson { id: number; scope: { type: string; snapshotId?: string }; releasedAt: string | null; releaseReason: string | null }

function oneErrorLine(r: CliResult, code: number, pattern: RegExp): void {
  assert.equal(r.code, code, `exit code; stderr: ${r.stderr}`);
  const lines = r.stderr.trim().split('\n');
  assert.equal(lines.length, 1, `one line on stderr, got: ${r.stderr}`);
  assert.match(lines[0]!, pattern);
}

test('forget --dry-run, the brake, forget --force and holds on a real repository; restic agrees', { timeout: 420_000 }, async (t) => {
  if (!requireTool(t, 'restic')) return;
  const dir = tempDir(t);
  const env = { home: join(dir, 'home'), password: PASSWORD };
  const repoDir = join(dir, 'repo');
  const dbPath = join(dir, 'trading.db');
  createTradingDb(dbPath, { accounts: 3, trades: 200 });
  assert.equal(runCli(['init', '--db', dbPath, '--repo', repoDir], env).code, 0);
  const configFile = join(env.home, 'config.json');
  const config = JSON.parse(readFileSync(configFile, 'utf8')) as Record<string, Record<string, unknown>>;
  writeFileSync(configFile, JSON.stringify({ ...config, schedule: { ...config.schedule, timezone: 'UTC' } }));
  const snap = runCli(['snapshot'], env);
  assert.equal(snap.code, 0, snap.stderr);

  // History: one snapshot every 6 hours for 120 days before the real one, plus two foreign snapshots.
  const repo = await Repository.open(new LocalBackend(repoDir), PASSWORD);
  const [real] = await repo.listSnapshots();
  assert.ok(real);
  const newestMs = Date.parse(real.snapshot.time);
  const base = Math.floor((newestMs - HOUR) / (6 * HOUR)) * 6 * HOUR;
  const made: { id: string; ms: number }[] = [];
  for (let ms = base - 120 * DAY; ms <= base; ms += 6 * HOUR) {
    made.push({ id: await repo.saveSnapshot({ ...real.snapshot, time: new Date(ms).toISOString() }), ms });
  }
  const foreign = await repo.saveSnapshot({ ...real.snapshot, tags: ['made-by-hand'], time: new Date(base - 200 * DAY).toISOString() });
  const total = made.length + 2;

  // Holds: one old snapshot and a one-day range (class holds: test/main/engine/retention).
  const heldOne = made.find((m) => m.ms >= base - 100 * DAY && new Date(m.ms).getUTCHours() === 6)!;
  const addOne = runCli(['hold', 'add', '--snapshot', heldOne.id.slice(0, 10), '--reason', 'SEC inquiry', '--json'], env);
  assert.equal(addOne.code, 0, addOne.stderr);
  const hold1 = parseJsonOutput<HoldJson>(addOne);
  assert.deepEqual(hold1.scope, { type: 'snapshot', snapshotId: heldOne.id });
  const rangeDay = new Date(base - 90 * DAY).toISOString().slice(0, 10);
  const addRange = runCli(['hold', 'add', '--from', rangeDay, '--to', rangeDay, '--reason', 'FINRA exam'], env);
  assert.equal(addRange.code, 0, addRange.stderr);
  assert.match(addRange.stdout, /^legal hold #2 placed on snapshots from .* to .*: FINRA exam\n$/);

  // Dry run: the expected kept set by calendar arithmetic on UTC days (default tier-1 policy).
  const dry = runCli(['forget', '--dry-run', '--json'], env);
  assert.equal(dry.code, 0, dry.stderr);
  const plan = parseJsonOutput<Report>(dry);
  assert.equal(plan.total, total);
  const byId = new Map(plan.decisions.map((d) => [d.id, d]));
  const cut30d = newestMs - 30 * DAY;
  for (const m of made) {
    const lastOfUtcDay = new Date(m.ms).getUTCHours() === 18;
    const inRange = new Date(m.ms).toISOString().slice(0, 10) === rangeDay;
    const expectKeep = m.ms >= cut30d || lastOfUtcDay || m.id === heldOne.id || inRange;
    assert.equal(byId.get(m.id)!.keep, expectKeep, `${new Date(m.ms).toISOString()}: ${byId.get(m.id)!.reasons.join('; ')}`);
  }
  assert.deepEqual(byId.get(heldOne.id)!.reasons, ['legal hold #1: SEC inquiry']);
  assert.deepEqual(byId.get(foreign)!.reasons, ['unclassified']);
  assert.equal(byId.get(real.id)!.reasons[0], 'newest of its class and source');
  const text = runCli(['forget', '--dry-run'], env).stdout;
  assert.match(text, new RegExp(`would forget +${plan.decisions.find((d) => !d.keep)!.id.slice(0, 8)}`));
  assert.match(text, /1 unclassified snapshot\(s\) kept: no data class matches them/);
  assert.ok(plan.brakeTripped, `${plan.forgotten} of ${plan.total} is over the default 50% brake`);

  // The brake: one line, nothing removed.
  oneErrorLine(runCli(['forget'], env), 1, /forget would remove \d+ of \d+ snapshots .* more than retention\.maxForgetShare \(50%\).*forget --force/);
  assert.equal((JSON.parse(resticOk(repoDir, PASSWORD, ['snapshots', '--json'])) as unknown[]).length, total);

  // kill -9 in the middle of the removals: restic still reads the repository, and the next run finishes the job.
  const kept = plan.decisions.filter((d) => d.keep).map((d) => d.id).sort();
  const snapshotsDir = join(repoDir, 'snapshots');
  const forgetRun = startCliChild(t, ['forget', '--force'], env);
  while (forgetRun.running() && readdirSync(snapshotsDir).length === total) await new Promise((r) => setTimeout(r, 2));
  assert.equal(await forgetRun.kill9(), null, 'forget was killed while removing snapshots');
  const left = readdirSync(snapshotsDir).length;
  assert.ok(left < total && left > kept.length, `killed part way: ${left} snapshot files left`);
  // restic 0.14 does not skip a dead process's lock by itself: `unlock` removes it only because it is stale.
  resticOk(repoDir, PASSWORD, ['unlock']);
  const checkAfterKill = restic(repoDir, PASSWORD, ['check']);
  assert.equal(checkAfterKill.code, 0, `${checkAfterKill.stdout}\n${checkAfterKill.stderr}`);

  const forced = runCli(['forget', '--force', '--json'], env);
  assert.equal(forced.code, 0, forced.stderr);
  const done = parseJsonOutput<Report>(forced);
  assert.equal(done.removed.length, left - kept.length, 'the second run removes what the killed one left');
  const resticIds = (JSON.parse(resticOk(repoDir, PASSWORD, ['snapshots', '--json'])) as { id: string }[]).map((s) => s.id).sort();
  assert.deepEqual(resticIds, kept, 'restic lists exactly the snapshots our dry run kept');
  const check = restic(repoDir, PASSWORD, ['check']);
  assert.equal(check.code, 0, `${check.stdout}\n${check.stderr}`);

  const catalog = new Database(join(env.home, 'catalog.db'), { readonly: true });
  t.after(() => catalog.close());
  const forgottenRows = catalog.prepare('SELECT snapshot_id FROM forgotten_snapshots').all() as { snapshot_id: string }[];
  const allForgotten = plan.decisions.filter((d) => !d.keep).map((d) => d.id).sort();
  assert.deepEqual(forgottenRows.map((r) => r.snapshot_id).sort(), allForgotten, 'every removal is recorded, across the kill');

  // Releasing the snapshot hold lets that snapshot go on the next run, and only it.
  const released = runCli(['hold', 'release', '1', '--reason', 'inquiry closed'], env);
  assert.equal(released.code, 0, released.stderr);
  assert.match(released.stdout, /^legal hold #1 on snapshot [0-9a-f]{8} released: inquiry closed\n$/);
  const after = parseJsonOutput<Report>(runCli(['forget', '--dry-run', '--json'], env));
  assert.deepEqual(after.decisions.filter((d) => !d.keep).map((d) => d.id), [heldOne.id]);
  const list = runCli(['hold', 'list', '--all'], env).stdout;
  assert.match(list, /#1 .*snapshot [0-9a-f]{8} {2}"SEC inquiry" \(by .*\) {2}RELEASED .*: inquiry closed/);
  assert.match(list, /#2 .*snapshots from .* "FINRA exam"/);
  assert.doesNotMatch(list.split('\n').find((l) => l.startsWith('#2'))!, /RELEASED/);
});

test('hold refuses bad input with one line and the right exit code', { timeout: 240_000 }, (t) => {
  const dir = tempDir(t);
  const env = { home: join(dir, 'home'), password: PASSWORD };
  createTradingDb(join(dir, 'db'), { accounts: 1, trades: 5 });
  assert.equal(runCli(['init', '--db', join(dir, 'db'), '--repo', join(dir, 'repo')], env).code, 0);
  oneErrorLine(runCli(['hold', 'add', '--reason', 'x'], env), 2, /exactly one of --snapshot ID, --from TIME --to TIME, or --class NAME/);
  oneErrorLine(runCli(['hold', 'add', '--from', 'last tuesday', '--to', '2026-01-01', '--reason', 'x'], env), 2, /--from "last tuesday" is not a time/);
  oneErrorLine(runCli(['hold', 'add', '--snapshot', 'abcdef12', '--reason', 'x'], env), 1, /no snapshot abcdef12/);
  oneErrorLine(runCli(['hold', 'release', 'seven', '--reason', 'x'], env), 2, /"seven" is not a hold number/);
  assert.equal(runCli(['hold', 'list'], env).stdout, 'no active legal holds\n', 'a refused hold leaves nothing behind');
});
