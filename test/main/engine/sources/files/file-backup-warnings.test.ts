/**
 * How a file backup survives (and reports) trouble: unreadable entries,
 * files that change while read, excludes, a missing source, cancellation.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isBackupError } from '../../../../../main/engine/errors.ts';
import { backupFiles } from '../../../../../main/engine/sources/files/file-backup.ts';
import { nodeFileSource, type FileSource } from '../../../../../main/engine/sources/files/file-source.ts';
import { writeTree } from '../../../../support/file-tree.ts';
import { tempDir } from '../../../../support/temp-dir.ts';
import { requireTool } from '../../../../support/tools.ts';
import { FAST_KDF, PASSWORD, newRepository, restic } from './repo-fixture.ts';

const engine = (rel: string): string => fileURLToPath(new URL(`../../../../../main/engine/${rel}`, import.meta.url));

interface LsNode {
  path?: string;
  type?: string;
  size?: number;
}

function resticPaths(t: Parameters<typeof restic>[0], repoPath: string): Map<string, LsNode> {
  const lines = restic(t, repoPath, ['ls', '--json', 'latest']).trim().split('\n');
  const nodes = lines.map((l) => JSON.parse(l) as LsNode).filter((n) => n.path !== undefined);
  return new Map(nodes.map((n) => [n.path as string, n]));
}

test('unreadable files and folders (as an unprivileged user) are warnings and the run completes', async (t) => {
  if (!requireTool(t, 'restic') || !requireTool(t, 'setpriv')) return;
  if (process.getuid?.() !== 0) return t.skip('needs root to drop to another uid');
  const dir = tempDir(t);
  chmodSync(dir, 0o755);
  const src = join(dir, 'src');
  writeTree(src, { 'ok.txt': 'readable', 'secret.txt': 'no access', locked: { 'inner.txt': 'hidden' }, sub: { 'fine.csv': 'a,b' } });
  chmodSync(join(src, 'secret.txt'), 0o000);
  chmodSync(join(src, 'locked'), 0o000);
  const repoParent = join(dir, 'repos');
  mkdirSync(repoParent, { mode: 0o777 });
  chmodSync(repoParent, 0o777);
  const repoPath = join(repoParent, 'repo');
  // Root reads anything, so the backup runs in a child process as 'nobody'.
  const code = `
    import { Repository } from ${JSON.stringify(engine('repo/repository.ts'))};
    import { LocalBackend } from ${JSON.stringify(engine('backends/local-backend.ts'))};
    import { backupFiles } from ${JSON.stringify(engine('sources/files/file-backup.ts'))};
    const repo = await Repository.init(new LocalBackend(process.env.QB_REPO), process.env.QB_PASSWORD, { kdf: ${JSON.stringify(FAST_KDF)} });
    const result = await backupFiles(repo, { paths: [process.env.QB_SRC] });
    process.stdout.write(JSON.stringify({ uid: process.getuid(), result }));
  `;
  const out = execFileSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', '--', process.execPath, '--import', 'tsx', '--input-type=module', '-e', code], {
    env: { ...process.env, QB_REPO: repoPath, QB_PASSWORD: PASSWORD, QB_SRC: src },
    encoding: 'utf8',
  });
  const { uid, result } = JSON.parse(out) as { uid: number; result: { warnings: { path: string; kind: string; message?: string }[]; filesNew: number } };
  assert.equal(uid, 65534);
  assert.deepEqual(result.warnings.map((w) => [w.kind, w.path]), [
    ['unreadable', join(src, 'locked')],
    ['unreadable', join(src, 'secret.txt')],
  ]);
  assert.match(result.warnings[0]?.message ?? '', /EACCES|permission denied/);
  assert.equal(result.filesNew, 2);
  restic(t, repoPath, ['check', '--read-data']);
  const paths = resticPaths(t, repoPath);
  assert.ok(paths.has(join(src, 'ok.txt')));
  assert.ok(paths.has(join(src, 'sub', 'fine.csv')));
  assert.ok(!paths.has(join(src, 'secret.txt')), 'an unreadable file is left out, not stored empty');
  assert.ok(!paths.has(join(src, 'locked')));
});

test('a file that keeps changing while read is stored as read, with a warning', async (t) => {
  if (!requireTool(t, 'restic')) return;
  const dir = tempDir(t);
  const src = join(dir, 'src');
  writeTree(src, { 'busy.db': 'x'.repeat(100_000), 'calm.txt': 'calm' });
  const busy = join(src, 'busy.db');
  // Every read of busy.db appends to it, as a live writer would.
  const fs: FileSource = {
    ...nodeFileSource,
    async open(p) {
      const file = await nodeFileSource.open(p);
      if (p.toString() !== busy) return file;
      return { ...file, read: async (b, o, l) => { const n = await file.read(b, o, l); writeFileSync(busy, 'more', { flag: 'a' }); return n; } };
    },
  };
  const { repo, path: repoPath } = await newRepository(dir);
  const result = await backupFiles(repo, { paths: [src], fileSource: fs });
  assert.deepEqual(result.warnings.map((w) => [w.kind, w.path]), [['changed-during-read', busy]]);
  assert.equal(result.filesNew, 2);
  assert.ok(result.bytesRead >= 3 * 100_000, 'it retried before giving up');
  restic(t, repoPath, ['check', '--read-data']);
  const node = resticPaths(t, repoPath).get(busy);
  assert.equal(node?.type, 'file');
  assert.ok((node?.size ?? 0) >= 100_000, `stored size ${node?.size}`);
  const out = join(dir, 'restored');
  restic(t, repoPath, ['restore', 'latest', '--target', out, '--include', busy]);
  assert.equal(readdirSync(join(out, src)).length, 1);
  assert.equal((await import('node:fs')).statSync(join(out, busy)).size, node?.size, 'size and content agree');
});

test('excludes: defaults, anchored patterns and folder-only patterns', async (t) => {
  if (!requireTool(t, 'restic')) return;
  const dir = tempDir(t);
  const src = join(dir, 'src');
  writeTree(src, {
    'keep.csv': 'k',
    'notes.bak': 'b',
    build: { 'a.o': 'o', 'a.c': 'c', sub: { 'b.o': 'nested o is kept' } },
    lib: { build: { 'x.o': 'not anchored here' } },
    logs: 'a file named logs is kept',
    deep: { logs: { 'x.txt': 'folder named logs is skipped' } },
  });
  const { repo, path: repoPath } = await newRepository(dir);
  const result = await backupFiles(repo, { paths: [src], excludes: ['*.bak', 'build/*.o', 'logs/'] });
  assert.deepEqual(result.warnings, []);
  const rel = [...resticPaths(t, repoPath).keys()].filter((p) => p.startsWith(`${src}/`)).map((p) => p.slice(src.length + 1)).sort();
  assert.deepEqual(rel, ['build', 'build/a.c', 'build/sub', 'build/sub/b.o', 'deep', 'keep.csv', 'lib', 'lib/build', 'lib/build/x.o', 'logs']);
  const snapshots = JSON.parse(restic(t, repoPath, ['snapshots', '--json'])) as { excludes?: string[] }[];
  assert.deepEqual(snapshots[0]?.excludes, ['*.bak', 'build/*.o', 'logs/']);
});

test('several sources, one of them a file, mirror their absolute paths in one tree', async (t) => {
  if (!requireTool(t, 'restic')) return;
  const dir = tempDir(t);
  writeTree(dir, { a: { docs: { 'x.txt': 'x' } }, b: { 'single.csv': 'one file', 'other.csv': 'not backed up' } });
  const { repo, path: repoPath } = await newRepository(dir);
  const sources = [join(dir, 'a', 'docs'), join(dir, 'b', 'single.csv'), join(dir, 'a', 'docs', 'x.txt')];
  const result = await backupFiles(repo, { paths: sources });
  assert.equal(result.filesNew, 2, 'a source inside another source is not stored twice');
  restic(t, repoPath, ['check', '--read-data']);
  const paths = resticPaths(t, repoPath);
  assert.ok(paths.has(join(dir, 'a', 'docs', 'x.txt')));
  assert.ok(paths.has(join(dir, 'b', 'single.csv')));
  assert.ok(!paths.has(join(dir, 'b', 'other.csv')), 'only the path towards a source is recorded');
  assert.equal(paths.get(dir)?.type, 'dir');
});

test('full: true reads everything again even with a parent', async (t) => {
  const dir = tempDir(t);
  const src = join(dir, 'src');
  writeTree(src, { 'a.txt': 'aaaa', sub: { 'b.txt': 'bbbbbb' } });
  const { repo } = await newRepository(dir);
  const first = await backupFiles(repo, { paths: [src] });
  const again = await backupFiles(repo, { paths: [src], parent: first.snapshotId });
  assert.equal(again.bytesRead, 0);
  assert.equal(again.filesUnchanged, 2);
  const full = await backupFiles(repo, { paths: [src], parent: first.snapshotId, full: true });
  assert.equal(full.bytesRead, 10);
  assert.equal(full.filesUnchanged, 0);
});

test('a missing source fails by name and leaves no snapshot and no lock', async (t) => {
  const dir = tempDir(t);
  const { repo } = await newRepository(dir);
  const missing = join(dir, 'no-such-folder');
  await assert.rejects(backupFiles(repo, { paths: [join(dir), missing] }), (err) => isBackupError(err) && err.kind === 'not-found' && err.message.includes(missing));
  await assert.rejects(backupFiles(repo, { paths: ['relative/path'] }), (err) => isBackupError(err) && err.message.includes('relative/path'));
  assert.deepEqual(await repo.listSnapshots(), []);
  assert.deepEqual(await repo.backend.list('lock'), []);
});

test('cancelling stops the run without a snapshot and releases the lock', async (t) => {
  const dir = tempDir(t);
  const src = join(dir, 'src');
  writeTree(src, Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`f${i}.txt`, `file ${i}`])));
  const { repo } = await newRepository(dir);
  const controller = new AbortController();
  const run = backupFiles(repo, {
    paths: [src],
    signal: controller.signal,
    onProgress: (p) => {
      if (p.files === 5) controller.abort(new Error('user cancelled'));
    },
  });
  await assert.rejects(run, /user cancelled/);
  assert.deepEqual(await repo.listSnapshots(), []);
  assert.deepEqual(await repo.backend.list('lock'), []);
});
