/**
 * `prune` through the real CLI on a repository with database snapshots and
 * file backups: --dry-run changes nothing, prune frees what forgotten
 * snapshots held and consolidates the small packs every snapshot leaves,
 * restic checks every byte, restores what remains and its own prune finds
 * nothing to repack or delete.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseJsonOutput, runCli } from '../../support/cli.ts';
import { fingerprint } from '../../support/fingerprint.ts';
import { restic, resticOk } from '../../support/restic.ts';
import { requireTool } from '../../support/tools.ts';
import { assertRestores, cli, forget, PASSWORD, pruneHome } from './prune-support.ts';

interface PruneJson {
  dryRun: boolean;
  runId: number | null;
  snapshots: number;
  packsDeleted: number;
  packsRepacked: number;
  bytesFreed: number;
  bytesBefore: number;
  bytesAfter: number;
}

test('prune --dry-run changes nothing; prune frees the forgotten data; restic check --read-data passes and the rest restores', { timeout: 120_000 }, async (t) => {
  if (!requireTool(t, 'restic')) return;
  const home = await pruneHome(t, 3);
  const forgotten = home.taken.slice(0, 4);
  await forget(home, forgotten.map((s) => s.id));
  const before = fingerprint(join(home.repo, 'data')) + fingerprint(join(home.repo, 'index'));

  const dry = await cli(['prune', '--dry-run', '--json'], home.env);
  assert.equal(dry.code, 0, dry.stderr);
  const planned = parseJsonOutput<PruneJson>(dry);
  assert.equal(planned.dryRun, true);
  assert.equal(planned.runId, null);
  assert.equal(planned.snapshots, 2);
  assert.ok(planned.bytesFreed > 0, JSON.stringify(planned));
  assert.equal(fingerprint(join(home.repo, 'data')) + fingerprint(join(home.repo, 'index')), before, 'a dry run changes nothing');

  const text = await cli(['prune', '--max-unused', '0'], home.env);
  assert.equal(text.code, 0, text.stderr);
  assert.match(text.stdout, /^2 snapshot\(s\) keep \d+ blob\(s\)\ndelete \d+ pack\(s\).*\nfreed /);

  resticOk(home.repo, PASSWORD, ['check', '--read-data']);
  for (const taken of home.taken.slice(4)) assertRestores(home, taken, `restored-${taken.id.slice(0, 8)}`);
  const ours = await cli(['check', '--read-data'], home.env);
  assert.equal(ours.code, 0, ours.stdout + ours.stderr);

  // Nothing left for a second prune, nor for restic's own.
  const again = parseJsonOutput<PruneJson>(await cli(['prune', '--json'], home.env));
  assert.equal(again.packsDeleted + again.packsRepacked, 0, JSON.stringify(again));
  assert.ok(again.runId !== null);
  const resticPrune = resticOk(home.repo, PASSWORD, ['prune', '--dry-run']);
  assert.match(resticPrune, /to repack:\s+0 blobs \/ 0 B/, resticPrune);
  assert.match(resticPrune, /this removes:\s+0 blobs \/ 0 B/, resticPrune);
  assert.match(resticPrune, /to delete:\s+0 blobs \/ 0 B/, resticPrune);
});

test('bad input to prune is one line and a non-zero exit, and changes nothing', { timeout: 120_000 }, async (t) => {
  if (!requireTool(t, 'restic')) return;
  const home = await pruneHome(t, 1, 1024 * 1024);
  await forget(home, [home.taken[0]!.id]);
  const before = fingerprint(home.repo);
  // One case through the real binary (its exit status and stderr), the rest through main() in this process.
  for (const [args, env, code, pattern, spawn] of [
    [['prune', '--max-unused', '150'], home.env, 2, /--max-unused must be a percentage from 0 to 100, got "150"/, true],
    [['prune', '--max-unused', 'lots'], home.env, 2, /--max-unused must be a percentage/, false],
    [['prune'], { ...home.env, password: 'not-the-password' }, 1, /repository password is wrong/, false],
  ] as const) {
    const r = spawn ? runCli([...args], env) : await cli([...args], env);
    assert.equal(r.code, code, `${args.join(' ')}: ${r.stderr}`);
    const lines = r.stderr.trim().split('\n');
    assert.equal(lines.length, 1, r.stderr);
    assert.match(lines[0]!, pattern);
  }
  assert.equal(fingerprint(home.repo), before);
  assert.equal(restic(home.repo, PASSWORD, ['check']).code, 0);
});
