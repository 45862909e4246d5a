import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { test } from 'node:test';
import type { S3Client } from '@aws-sdk/client-s3';
import { LocalBackend } from '../../../main/engine/backends/local-backend.ts';
import { runCliAsync, startCliChild } from '../../support/cli-child.ts';
import { initCloudTestEngine, writeCloudSection } from '../../support/cloud-engine.ts';
import { resticOk } from '../../support/restic.ts';
import { startS3Server, testCloudConfig } from '../../support/s3-server.ts';
import { downloadPrefix, listKeys, plainS3Client } from '../../support/s3-download.ts';
import { tempDir } from '../../support/temp-dir.ts';
import { requireTool } from '../../support/tools.ts';
import { writeTree } from '../engine/verify/engine-fixture.ts';

const PASSWORD = 'test-password';
const S3_ENV = { QUANTAI_BACKUP_S3_ACCESS_KEY_ID: 'S3RVER', QUANTAI_BACKUP_S3_SECRET_ACCESS_KEY: 'S3RVER' };

// Every wait below is bounded (children, listings, the test itself): under heavy load this test once sat
// 300 s on a child nobody timed out. A hang now fails fast with what the child printed.
test('kill -9 during a multipart upload: the next sync sends only what was missing, and the mirror passes restic check', { timeout: 150_000 }, async (t) => {
  if (!requireTool(t, 'restic')) return;
  const s3 = await startS3Server(t);
  const dir = tempDir(t);
  const files = join(dir, 'files');
  writeTree(files, { 'a.txt': 'small file\n', 'big.bin': randomBytes(12_000_000) });
  const { engine, home, configFile } = await initCloudTestEngine(t, dir, files);
  writeCloudSection(configFile, testCloudConfig(s3.endpoint, s3.bucket));
  await engine.backupFiles();
  const repo = new LocalBackend(join(dir, 'repo'));
  const local = (await Promise.all((['config', 'key', 'data', 'index', 'snapshot', 'wal', 'oplog'] as const).map((type) => repo.list(type)))).flat();

  const client = plainS3Client(s3.endpoint);
  t.after(() => client.destroy());
  // 1 MiB/s: the 12 MB pack (two 8 MiB parts) takes about 12 s, so the kill lands inside it.
  const sync = startCliChild(t, ['cloud', 'sync', '--limit-kibps', '1024'], { home, password: PASSWORD, extraEnv: S3_ENV });
  await sync.waitUntil(async () => (await listKeysWithin(client, s3.bucket, 'repo/', 10_000)).some((k) => k.key === 'repo/config'), {
    limitMs: 30_000, pollMs: 100, timeoutMessage: 'the child never uploaded the config', exitedMessage: 'the child exited early',
  });
  await sleep(2_500);
  await sync.kill9();

  const afterKill = await listKeysWithin(client, s3.bucket, 'repo/', 10_000);
  assert.ok(afterKill.length >= 2 && afterKill.length < local.length, `interrupted mid-way: ${afterKill.length} of ${local.length} objects`);
  assert.ok(!afterKill.some((k) => k.key.startsWith('repo/snapshots/')), 'no snapshot before its data');

  // Asynchronously: s3rver runs in this process, so a blocking spawnSync would starve it.
  const r = await runCliAsync(t, ['cloud', 'sync', '--json'], { home, password: PASSWORD, extraEnv: S3_ENV }, 90_000);
  assert.equal(r.code, 0, r.stderr);
  const report = JSON.parse(r.stdout) as { uploaded: number; skipped: number };
  assert.equal(report.skipped, afterKill.length, 'every finished file is kept');
  assert.equal(report.uploaded, local.length - afterKill.length, 'only the missing files are sent');

  const folder = join(dir, 'downloaded');
  await downloadPrefix(client, s3.bucket, 'repo', folder);
  resticOk(folder, PASSWORD, ['check', '--read-data']);
});

/** listKeys, given up after `limitMs` instead of waiting on a stuck connection. */
function listKeysWithin(client: S3Client, bucket: string, prefix: string, limitMs: number): Promise<{ key: string; size: number }[]> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`listing ${bucket}/${prefix} took over ${limitMs / 1000} s`)), limitMs);
  });
  return Promise.race([listKeys(client, bucket, prefix), limit]).finally(() => clearTimeout(timer));
}
