/**
 * The reverse direction: a snapshot written by restic itself restores through
 * our reader with identical names, bytes, symlinks and hard links, so a user
 * can bring an existing restic repository to QuantAI Backup.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { LocalBackend } from '../../../../main/engine/backends/local-backend.ts';
import { Repository } from '../../../../main/engine/repo/repository.ts';
import { restoreFiles } from '../../../../main/engine/restore/restore-files.ts';
import { describeTree, diffTrees, writeTree } from '../../../support/file-tree.ts';
import { resticOk } from '../../../support/restic.ts';
import { tempDir } from '../../../support/temp-dir.ts';
import { requireTool } from '../../../support/tools.ts';

const PASSWORD = 'restic wrote this';

test('our restore reproduces a tree that restic backed up', async (t) => {
  if (!requireTool(t, 'restic')) return;
  const dir = tempDir(t);
  const source = join(dir, 'source');
  const repoPath = join(dir, 'repo');
  writeTree(source, {
    'plain.txt': 'hello\n'.repeat(5000),
    empty: '',
    'quote"and\\backslash': 'q',
    'new\nline': 'n',
    odd: { entries: [[Buffer.from([0x66, 0xff, 0xfe]), 'not UTF-8'], [Buffer.from('tab\there'), 't']] },
    nested: { deeper: { 'random.bin': { generate: { size: 3 * 2 ** 20, seed: 7, kind: 'random' } } } },
    link: { symlink: 'plain.txt' },
    twin: { hardlink: 'plain.txt' },
  });
  resticOk(repoPath, PASSWORD, ['init', '--repository-version', '2']);
  resticOk(repoPath, PASSWORD, ['backup', source]);

  const repo = await Repository.open(new LocalBackend(repoPath), PASSWORD);
  const target = join(dir, 'target');
  const result = await restoreFiles(repo, 'latest', { target });
  assert.deepEqual(result.warnings, []);
  const diffs = diffTrees(describeTree(source), describeTree(join(target, source)), ['mtimeMs']);
  assert.deepEqual(diffs, []);
  assert.ok(result.bytes >= 3 * 2 ** 20, `restored ${result.bytes} bytes`);
});
