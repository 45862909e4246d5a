import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { test } from 'node:test';
import { LocalBackend } from '../../../main/engine/backends/local-backend.ts';
import { createEngine } from '../../../main/engine/engine.ts';
import { startCli, type CliEnv, type CliResult } from '../../support/cli.ts';
import { resticOk } from '../../support/restic.ts';
import { startS3Server, testCloudConfig, testSecrets } from '../../support/s3-server.ts';
import { downloadPrefix, listKeys, plainS3Client } from '../../support/s3-download.ts';
import { tempDir } from '../../support/temp-dir.ts';
import { requireTool } from '../../support/tools.ts';
import { writeTree } from '../engine/verify/engine-fixture.ts';

const PASSWORD = 'test-password';
const S3_ENV = { QUANTAI_BACKUP_S3_ACCESS_KEY_ID: 'S3RVER', QUANTAI_BACKUP_S3_SECRET_ACCESS_KEY: 'S3RVER' };

test('kill -9 during a multipart upload: the next sync sends only what was missing, and the mirror passes restic check', async (t) => {
  if (!requireTool(t, 'restic')) return;
  const s3 = await startS3Server(t);
  const dir = tempDir(t);
  const files = join(dir, 'files');
  const home = join(dir, 'home');
  writeTree(files, { 'a.txt': 'small file\n', 'big.bin': randomBytes(12_000_000) });
  const engine = createEngine({ home, kdf: { N: 1024, r: 8, p: 1 }, secrets: testSecrets() });
  t.after(() => engine.close());
  await engine.initialize({ repoPath: join(dir, 'repo'), files: [files] });
  const configFile = join(home, 'config.json');
  writeFileSync(configFile, JSON.stringify({ ...JSON.parse(readFileSync(configFile, 'utf8')) as object, cloud: testCloudConfig(s3.endpoint, s3.bucket) }));
  await engine.backupFiles();
  const repo = new LocalBackend(join(dir, 'repo'));
  const local = (await Promise.all((['config', 'key', 'data', 'index', 'snapshot'] as const).map((type) => repo.list(type)))).flat();

  const client = plainS3Client(s3.endpoint);
  t.after(() => client.destroy());
  // 1 MiB/s: the 12 MB pack (two 8 MiB parts) takes about 12 s, so the kill lands inside it.
  const child = startCli(['cloud', 'sync', '--limit-kibps', '1024'], { home, password: PASSWORD, extraEnv: S3_ENV });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const deadline = Date.now() + 30_000;
  while (!(await listKeys(client, s3.bucket, 'repo/')).some((k) => k.key === 'repo/config')) {
    assert.ok(Date.now() < deadline, 'the child never uploaded the config');
    await sleep(100);
  }
  await sleep(2_500);
  child.kill('SIGKILL');
  await exited;

  const afterKill = await listKeys(client, s3.bucket, 'repo/');
  assert.ok(afterKill.length >= 2 && afterKill.length < local.length, `interrupted mid-way: ${afterKill.length} of ${local.length} objects`);
  assert.ok(!afterKill.some((k) => k.key.startsWith('repo/snapshots/')), 'no snapshot before its data');

  // Asynchronously: s3rver runs in this process, so a blocking spawnSync would starve it.
  const r = await runCliAsync(['cloud', 'sync', '--json'], { home, password: PASSWORD, extraEnv: S3_ENV });
  assert.equal(r.code, 0, r.stderr);
  const report = JSON.parse(r.stdout) as { uploaded: number; skipped: number };
  assert.equal(report.skipped, afterKill.length, 'every finished file is kept');
  assert.equal(report.uploaded, local.length - afterKill.length, 'only the missing files are sent');

  const folder = join(dir, 'downloaded');
  await downloadPrefix(client, s3.bucket, 'repo', folder);
  resticOk(folder, PASSWORD, ['check', '--read-data']);
});

async function runCliAsync(args: string[], env: CliEnv): Promise<CliResult> {
  const child = startCli(args, env);
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d: Buffer) => { stdout += d.toString(); });
  child.stderr?.on('data', (d: Buffer) => { stderr += d.toString(); });
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  return { code, stdout, stderr };
}
