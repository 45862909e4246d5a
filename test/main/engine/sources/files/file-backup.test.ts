/**
 * End to end against the real restic CLI: a tree with awkward names, links,
 * empty, compressible and large files -> backupFiles -> `restic check
 * --read-data` -> `restic restore` and our restoreFiles give the same tree.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { backupFiles } from '../../../../../main/engine/sources/files/file-backup.ts';
import { restoreFiles } from '../../../../../main/engine/restore/restore-files.ts';
import { describeTree, diffTrees, writeTree, type EntryFacts, type TreeSpec } from '../../../../support/file-tree.ts';
import { tempDir } from '../../../../support/temp-dir.ts';
import { requireTool } from '../../../../support/tools.ts';
import { newRepository, restic } from './repo-fixture.ts';

const MiB = 1024 * 1024;

function deepDir(levels: number): TreeSpec {
  let dir: TreeSpec = { 'leaf.txt': 'at the bottom' };
  for (let i = levels; i >= 1; i--) dir = { [`level-${i}`]: dir };
  return dir;
}

function awkwardTree(): TreeSpec {
  return {
    data: {
      'empty.txt': '',
      'quote"s.txt': 'quotes',
      'new\nline.txt': 'newline',
      'back\\slash.txt': 'backslash',
      'with space.csv': 'sym,px\nAAPL,150.1\n',
      'ünïcødé-📈.txt': 'unicode',
      odd: { entries: [[Buffer.from([0x66, 0xff, 0xfe, 0x2e]), 'not UTF-8'], [Buffer.from('tab\there'), 'tab']] },
      link: { symlink: 'with space.csv' },
      dangling: { symlink: '../nowhere/at all' },
      'twin-a.dat': 'shared by two names',
      'twin-b.dat': { hardlink: 'data/twin-a.dat' },
      deep: deepDir(12),
      'prices.txt': { generate: { size: 3 * MiB + 123, seed: 7, kind: 'text' } },
      'big.bin': { generate: { size: 200 * MiB, seed: 3, kind: 'mixed' } },
      'tool.sh': { file: '#!/bin/sh\necho hi\n', mode: 0o750 },
      pipe: { fifo: true },
      'scratch.tmp': 'excluded',
      'run.log': 'excluded',
      cache: { 'blob.bin': 'excluded folder' },
    },
  };
}

const EXCLUDED = ['scratch.tmp', 'run.log', 'cache'];

/** The source tree as it should come back: without the excluded entries. */
function expected(source: string): Map<string, EntryFacts> {
  const facts = describeTree(source);
  for (const key of [...facts.keys()]) {
    const first = Buffer.from(key, 'hex').toString('latin1').split('/')[0] ?? '';
    if (EXCLUDED.includes(first)) facts.delete(key);
  }
  return facts;
}

test('a backup of an awkward tree passes restic check --read-data and restores identically with restic and with us', async (t) => {
  if (!requireTool(t, 'restic')) return;
  const dir = tempDir(t);
  const root = join(dir, 'src');
  writeTree(root, awkwardTree());
  const source = join(root, 'data');
  const { repo, path: repoPath } = await newRepository(dir);

  const rssBefore = process.memoryUsage.rss();
  let rssPeak = rssBefore;
  const result = await backupFiles(repo, {
    paths: [source],
    tags: ['tier:2'],
    hostname: 'test-host',
    onProgress: () => {
      rssPeak = Math.max(rssPeak, process.memoryUsage.rss());
    },
  });
  assert.deepEqual(result.warnings, []);
  assert.equal(result.filesNew, 14, 'regular files, two of them in odd/ and one deep down');
  assert.ok(result.bytesRead > 200 * MiB && result.bytesRead < 205 * MiB, `read ${result.bytesRead}`);
  t.diagnostic(`first backup: read ${result.bytesRead}, added ${result.bytesAdded}, rss +${((rssPeak - rssBefore) / MiB).toFixed(0)} MiB`);
  assert.ok(result.bytesAdded > 8 * MiB, 'the random blocks of big.bin are stored');
  assert.ok(result.bytesAdded < result.bytesRead, 'text compresses and the hard link is stored once');
  assert.ok(rssPeak - rssBefore < 160 * MiB, `memory grew by ${((rssPeak - rssBefore) / MiB).toFixed(0)} MiB: the large file must be streamed`);

  const snapshots = JSON.parse(restic(t, repoPath, ['snapshots', '--json'])) as { id: string; paths: string[]; tags: string[]; hostname: string }[];
  assert.equal(snapshots.length, 1);
  assert.equal(snapshots[0]?.id, result.snapshotId);
  assert.deepEqual(snapshots[0]?.paths, [source]);
  assert.deepEqual(snapshots[0]?.tags, ['quantai', 'kind:files', 'tier:2']);
  assert.equal(snapshots[0]?.hostname, 'test-host');

  restic(t, repoPath, ['check', '--read-data']);

  const want = expected(source);
  const theirs = join(dir, 'restic-restore');
  restic(t, repoPath, ['restore', 'latest', '--target', theirs]);
  assert.deepEqual(diffTrees(want, describeTree(join(theirs, source))), []);

  const ours = join(dir, 'our-restore');
  const restored = await restoreFiles(repo, result.snapshotId, { target: ours });
  // Node cannot create a FIFO: our restore reports it instead.
  assert.deepEqual(restored.warnings.map((w) => [w.kind, w.path]), [['not-restored', join(source, 'pipe')]]);
  const oursWant = new Map([...want].filter(([k]) => Buffer.from(k, 'hex').toString() !== 'pipe'));
  assert.deepEqual(diffTrees(oursWant, describeTree(join(ours, source))), []);
  assert.equal(restored.bytes, [...want.values()].filter((f) => f.type === 'file').reduce((s, f) => s + (f.size ?? 0), 0) - 'shared by two names'.length);

  // Second run with the parent: nothing is read but the one file that changed.
  appendFileSync(join(source, 'with space.csv'), 'MSFT,410.2\n');
  const second = await backupFiles(repo, { paths: [source], parent: result.snapshotId });
  assert.deepEqual(second.warnings, []);
  assert.equal(second.filesChanged, 1);
  assert.equal(second.filesUnchanged, 13);
  assert.equal(second.filesNew, 0);
  assert.equal(second.bytesRead, 'sym,px\nAAPL,150.1\nMSFT,410.2\n'.length);
  assert.ok(second.bytesAdded < 64 * 1024, `the second backup added ${second.bytesAdded} bytes`);
  const all = JSON.parse(restic(t, repoPath, ['snapshots', '--json'])) as { id: string; parent?: string }[];
  assert.equal(all.find((s) => s.id === second.snapshotId)?.parent, result.snapshotId);
  restic(t, repoPath, ['check']);
});
