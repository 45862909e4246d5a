/**
 * kill -9 at random points of `prune`: afterwards (`restic unlock`, as after
 * any crash) restic's check passes, and at the end the next prune finishes
 * the job, every remaining snapshot restores byte for byte and restic's
 * check --read-data passes. Each round forgets one more snapshot so every
 * prune has work. The seed is printed; QB_CRASH_SEED=<seed> replays a run;
 * QB_CRASH_ROUNDS=<n> kills n prunes (default 2; 4 covers every trigger).
 */
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { parseJsonOutput, runCli } from '../../support/cli.ts';
import { startCliChild } from '../../support/cli-child.ts';
import { restic, resticOk } from '../../support/restic.ts';
import { requireTool } from '../../support/tools.ts';
import { assertRestores, cli, forget, PASSWORD, pruneHome } from './prune-support.ts';
import { mulberry32 } from '../../support/seeded-random.ts';

type Trigger = 'timed' | 'pack-written' | 'index-written' | 'deleting';
/**
 * Every kind of kill point in turn: right after each step of the prune's commit protocol, and a random
 * instant. The default two rounds take the two riskiest (new index written beside the old one; packs
 * half deleted); QB_CRASH_ROUNDS=4 (or more) adds the new-pack and the random kills.
 */
const TRIGGERS: readonly Trigger[] = ['index-written', 'deleting', 'pack-written', 'timed'];
const DEFAULT_ROUNDS = 2;

function repoFiles(repo: string, folder: 'data' | 'index'): Set<string> {
  return new Set(readdirSync(join(repo, folder), { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => e.name));
}

/** Has the prune reached the trigger's step? Judged from the repository files, as a crash would find them. */
function reached(trigger: Trigger, repo: string, before: { data: Set<string>; index: Set<string> }): boolean {
  if (trigger === 'timed') return false;
  const data = repoFiles(repo, 'data');
  const index = repoFiles(repo, 'index');
  if (trigger === 'pack-written') return [...data].some((n) => !before.data.has(n));
  if (trigger === 'index-written') return [...index].some((n) => !before.index.has(n));
  return [...before.index].some((n) => !index.has(n)) || [...before.data].some((n) => !data.has(n));
}

/** Starts `prune` and kills it with SIGKILL at the trigger (plus up to `jitterMs`), or after `delayMs` at the latest. */
async function killPrune(t: TestContext, args: string[], env: { home: string; password: string }, repo: string, trigger: Trigger, delayMs: number, jitterMs: number): Promise<string> {
  const before = { data: repoFiles(repo, 'data'), index: repoFiles(repo, 'index') };
  const run = startCliChild(t, args, env);
  const started = Date.now();
  let how = `at ${delayMs} ms`;
  while (run.running() && Date.now() - started < delayMs) {
    if (reached(trigger, repo, before)) {
      how = `${Math.round(jitterMs)} ms after ${trigger} (at ${Date.now() - started} ms)`;
      await new Promise((r) => setTimeout(r, jitterMs));
      break;
    }
    await new Promise((r) => setTimeout(r, 2));
  }
  const code = await run.kill9();
  return code === null ? `killed ${how}` : `exited ${code}${code ? `: ${run.stderr().trim()}` : ''}`;
}

function packCount(repo: string): number {
  return readdirSync(join(repo, 'data'), { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).length;
}

test('kill -9 during prune leaves the repository readable and the next prune finishes the job', { timeout: 300_000 }, async (t) => {
  if (!requireTool(t, 'restic')) return;
  const seed = Number(process.env.QB_CRASH_SEED ?? Math.floor(Math.random() * 2 ** 31));
  t.diagnostic(`crash seed ${seed} (QB_CRASH_SEED=${seed} replays it)`);
  const random = mulberry32(seed);
  const rounds = Number(process.env.QB_CRASH_ROUNDS ?? DEFAULT_ROUNDS);
  const home = await pruneHome(t, rounds + 1);
  const env = { home: home.env.home, password: PASSWORD };

  // How long the CLI takes to plan a prune (start-up included), so kills spread over a whole run.
  const start = Date.now();
  assert.equal(runCli(['prune', '--dry-run'], env).code, 0);
  const planMs = Date.now() - start;
  t.diagnostic(`prune --dry-run took ${planMs} ms`);

  const outcomes: string[] = [];
  for (let round = 0; round < rounds; round++) {
    // One more database snapshot and file backup forgotten: this prune deletes and repacks.
    await forget(home, home.taken.slice(2 * round, 2 * round + 2).map((s) => s.id));
    const trigger = TRIGGERS[round % TRIGGERS.length]!;
    // A timed kill lands anywhere in a run; a triggered one waits for its step (a run's length at most).
    const delay = Math.floor(planMs * (trigger === 'timed' ? 0.5 + random() : 4));
    const outcome = await killPrune(t, ['prune', '--max-unused', '0'], env, home.repo, trigger, delay, random() * 40);
    outcomes.push(outcome);
    t.diagnostic(`round ${round}: ${outcome}; ${packCount(home.repo)} pack files`);
    resticOk(home.repo, PASSWORD, ['unlock']);
    const check = restic(home.repo, PASSWORD, ['check']);
    assert.equal(check.code, 0, `restic check after round ${round} (seed ${seed}):\n${check.stdout}\n${check.stderr}`);
  }

  // The next prune succeeds and leaves nothing for a later one (in this process: no kill to come).
  const final = await cli(['prune', '--max-unused', '0', '--json'], env);
  assert.equal(final.code, 0, `prune after crashes (seed ${seed}): ${final.stderr}`);
  const again = parseJsonOutput<{ packsDeleted: number; packsRepacked: number }>(await cli(['prune', '--json'], env));
  assert.equal(again.packsDeleted + again.packsRepacked, 0, JSON.stringify(again));
  resticOk(home.repo, PASSWORD, ['check', '--read-data']);
  const remaining = home.taken.slice(2 * rounds);
  const listed = JSON.parse(resticOk(home.repo, PASSWORD, ['snapshots', '--json'])) as { id: string }[];
  assert.deepEqual(listed.map((s) => s.id).sort(), remaining.map((s) => s.id).sort());
  for (const taken of remaining) assertRestores(home, taken, `restored-${taken.id.slice(0, 8)}`);
  t.diagnostic(`outcomes: ${outcomes.join(', ')}`);
});
