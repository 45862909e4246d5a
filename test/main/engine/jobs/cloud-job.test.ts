import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { HeadObjectCommand } from '@aws-sdk/client-s3';
import { isBackupError } from '../../../../main/engine/errors.ts';
import { initCloudTestEngine, writeCloudSection } from '../../../support/cloud-engine.ts';
import { fingerprint } from '../../../support/fingerprint.ts';
import { resticOk } from '../../../support/restic.ts';
import { startS3Server, testCloudConfig } from '../../../support/s3-server.ts';
import { downloadPrefix, listKeys, plainS3Client } from '../../../support/s3-download.ts';
import { tempDir } from '../../../support/temp-dir.ts';
import { requireTool } from '../../../support/tools.ts';
import { writeTree } from '../verify/engine-fixture.ts';

const PASSWORD = 'test-password';

async function backedUpWithCloud(t: TestContext, bucket?: string) {
  const s3 = await startS3Server(t);
  const dir = tempDir(t);
  const files = join(dir, 'files');
  const tree: Record<string, string | Buffer> = { 'big/blob.bin': randomBytes(3_000_000), 'empty.txt': '' };
  for (let i = 0; i < 20; i++) tree[`notes/n${i}.md`] = `note ${i}\n`.repeat(i + 1);
  writeTree(files, tree);
  const { engine, repoPath, configFile } = await initCloudTestEngine(t, dir, files);
  writeCloudSection(configFile, testCloudConfig(s3.endpoint, bucket ?? s3.bucket));
  await engine.backupFiles();
  return { s3, dir, files, repoPath, engine };
}

test('a mirror downloaded with a plain S3 client passes restic check --read-data and restores the source; a second mirror uploads nothing', async (t) => {
  if (!requireTool(t, 'restic')) return;
  const fx = await backedUpWithCloud(t);
  const first = await fx.engine.cloudSync({ partSize: 5 * 1024 * 1024 });
  assert.ok(first.uploaded >= 5, `uploaded ${first.uploaded}`);
  assert.equal(first.skipped, 0);

  const client = plainS3Client(fx.s3.endpoint);
  t.after(() => client.destroy());
  const folder = join(fx.dir, 'downloaded');
  const count = await downloadPrefix(client, fx.s3.bucket, 'repo', folder);
  assert.equal(count, first.uploaded);
  resticOk(folder, PASSWORD, ['check', '--read-data']);
  const target = join(fx.dir, 'restored');
  resticOk(folder, PASSWORD, ['restore', 'latest', '--target', target]);
  assert.equal(fingerprint(join(target, fx.files)), fingerprint(fx.files));

  const keys = await listKeys(client, fx.s3.bucket, 'repo/');
  assert.ok(keys.every((k) => !k.key.includes('/locks/')), 'locks are never mirrored');
  const pack = keys.find((k) => k.key.startsWith('repo/data/'))!;
  const head = await client.send(new HeadObjectCommand({ Bucket: fx.s3.bucket, Key: pack.key }));
  assert.equal(head.Metadata?.['qb-size'], String(pack.size));
  assert.ok(head.Metadata?.['qb-host'] && head.Metadata['qb-backup-time']);

  const second = await fx.engine.cloudSync();
  // The first run's own record reached the repository's operations log after it mirrored: only that is new.
  const added = (await listKeys(client, fx.s3.bucket, 'repo/')).filter((k) => !keys.some((old) => old.key === k.key));
  assert.equal(second.uploaded, added.length);
  assert.ok(added.every((k) => k.key.startsWith('repo/quantai/oplog/')), `only operations-log files are new: ${added.map((k) => k.key).join(', ')}`);
  assert.equal(second.skipped, first.uploaded);

  const runs = fx.engine.catalog.recentRuns(10, 'cloud');
  assert.deepEqual(runs.map((r) => r.result), ['success', 'success']);
  assert.equal(fx.engine.catalog.lastRun('cloud', 'success')?.bytesAdded, second.uploadedBytes, 'the last successful mirror is what health reads');
});

test('a missing bucket fails with one clear line naming bucket and endpoint; local backups are unaffected', async (t) => {
  const fx = await backedUpWithCloud(t, 'no-such-bucket');
  await assert.rejects(fx.engine.cloudSync(), (err: unknown) => {
    assert.ok(isBackupError(err));
    assert.equal(err.kind, 'permanent');
    assert.match(err.message, /no-such-bucket/);
    assert.match(err.message, new RegExp(fx.s3.endpoint.replace(/[.]/g, '\\.')));
    assert.doesNotMatch(err.message, /S3RVER|\n/);
    return true;
  });
  const again = await fx.engine.backupFiles();
  assert.equal(again.result, 'success');
  const run = fx.engine.catalog.lastRun('cloud');
  assert.equal(run?.result, 'failed');
  assert.match(run?.errorMessage ?? '', /no-such-bucket/);
});
