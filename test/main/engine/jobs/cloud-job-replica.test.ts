// Replica mode 'mirror' (no right to configure S3 replication): the cloud job mirrors to the replica
// bucket after the main one, records its own result and health follows it. Real s3rver, restic as oracle.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { test } from 'node:test';
import { initCloudTestEngine, writeCloudSection } from '../../../support/cloud-engine.ts';
import { CreateBucketCommand } from '@aws-sdk/client-s3';
import { fingerprint } from '../../../support/fingerprint.ts';
import { resticOk } from '../../../support/restic.ts';
import { startS3Server, testCloudConfig } from '../../../support/s3-server.ts';
import { downloadPrefix, plainS3Client } from '../../../support/s3-download.ts';
import { tempDir } from '../../../support/temp-dir.ts';
import { requireTool } from '../../../support/tools.ts';
import { writeTree } from '../verify/engine-fixture.ts';

const PASSWORD = 'test-password';

test("mode 'mirror' fills the replica bucket after the main one; a failing replica is a warning with its own stale health", async (t) => {
  if (!requireTool(t, 'restic')) return;
  const s3 = await startS3Server(t);
  const client = plainS3Client(s3.endpoint);
  t.after(() => client.destroy());
  await client.send(new CreateBucketCommand({ Bucket: 'qb-replica' }));
  const dir = tempDir(t);
  const files = join(dir, 'files');
  writeTree(files, { 'big.bin': randomBytes(1_500_000), 'notes/a.md': 'alpha\n', 'notes/b.md': 'beta\n'.repeat(100) });
  const { engine, configFile } = await initCloudTestEngine(t, dir, files);
  const setReplica = (bucket: string): void => writeCloudSection(configFile, {
    ...testCloudConfig(s3.endpoint, s3.bucket), replica: { bucket, region: 'eu-west-1', mode: 'mirror' },
  });
  setReplica('qb-replica');
  await engine.backupFiles();

  const first = await engine.cloudSync();
  assert.ok(first.replica?.ok, JSON.stringify(first.replica));
  assert.equal(first.replica.uploaded, first.uploaded, 'the replica gets every file the main bucket got');
  assert.match(first.replica.location, /^s3:\/\/qb-replica\/repo/);
  const run = engine.catalog.lastRun('cloud');
  assert.equal(run?.result, 'success');
  assert.deepEqual((run?.details as { replica?: { ok: boolean; bucket: string } }).replica?.bucket, 'qb-replica');

  const folder = join(dir, 'replica-download');
  await downloadPrefix(client, 'qb-replica', 'repo', folder);
  resticOk(folder, PASSWORD, ['check', '--read-data']);
  const restored = join(dir, 'restored');
  resticOk(folder, PASSWORD, ['restore', 'latest', '--target', restored]);
  assert.equal(fingerprint(join(restored, files)), fingerprint(files));

  const healthy = (await engine.health()).destinations.find((d) => d.name === 'cloud-replica');
  assert.ok(healthy?.lastSuccess, 'the replica is a health destination, fresh after the run');

  // The replica bucket disappears: the main copy still succeeds, the run warns, the replica's freshness stays put.
  setReplica('qb-gone');
  const second = await engine.cloudSync();
  assert.equal(second.replica?.ok, false);
  assert.ok(second.replica && !second.replica.ok && /qb-gone/.test(second.replica.error) && !second.replica.error.includes('\n'), JSON.stringify(second.replica));
  const warned = engine.catalog.lastRun('cloud');
  assert.equal(warned?.result, 'warning');
  const after = (await engine.health()).destinations;
  assert.equal(after.find((d) => d.name === 'cloud-replica')?.lastSuccess, healthy.lastSuccess);
  const mainCopy = after.find((d) => d.name === 'cloud')?.lastSuccess;
  assert.ok(mainCopy && Date.parse(mainCopy) > Date.parse(healthy.lastSuccess), 'the main bucket counts as fresh after a run that only warned about the replica');
});
