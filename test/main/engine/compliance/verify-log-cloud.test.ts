/**
 * The operations log travels with the cloud mirror (its last phase), and
 * `verify-log --from cloud` reads it from the bucket (s3rver, real HTTP): the
 * copy passes, the mirror's own run is merely not there yet, and a batch
 * deleted from the bucket is named.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { initCloudTestEngine, writeCloudSection } from '../../../support/cloud-engine.ts';
import { DeleteObjectCommand } from '@aws-sdk/client-s3';
import { startS3Server, testCloudConfig } from '../../../support/s3-server.ts';
import { listKeys, plainS3Client } from '../../../support/s3-download.ts';
import { tempDir } from '../../../support/temp-dir.ts';
import { writeTree } from '../verify/engine-fixture.ts';

test('verify-log --from cloud checks the mirrored log and names a batch deleted from the bucket', async (t) => {
  const s3 = await startS3Server(t);
  const dir = tempDir(t);
  const source = join(dir, 'files');
  writeTree(source, { 'a.txt': 'alpha\n'.repeat(100), 'b/c.bin': Buffer.alloc(50_000, 3) });
  const { engine, configFile } = await initCloudTestEngine(t, dir, source);
  await engine.backupFiles();
  writeCloudSection(configFile, testCloudConfig(s3.endpoint, s3.bucket));
  await engine.cloudSync();

  const client = plainS3Client(s3.endpoint);
  t.after(() => client.destroy());
  const logKeys = (await listKeys(client, s3.bucket, 'repo/quantai/oplog/')).map((k) => k.key).sort();
  assert.deepEqual(logKeys, ['repo/quantai/oplog/000000000001-000000000001', 'repo/quantai/oplog/000000000002-000000000002']);

  const healthy = await engine.verifyLog({ from: 'cloud' });
  assert.equal(healthy.ok, true, JSON.stringify(healthy.findings));
  assert.equal(healthy.entries, 2);
  assert.equal(healthy.catalog.pending, 1, "the cloud run's own entry reaches the bucket with the next sync");
  assert.equal((await engine.verifyLog()).entries, 3, 'the local copy has it already');

  await client.send(new DeleteObjectCommand({ Bucket: s3.bucket, Key: logKeys[0] }));
  const broken = await engine.verifyLog({ from: 'cloud' });
  assert.equal(broken.ok, false);
  assert.equal(broken.firstBad?.problem, 'missing-batch');
  assert.equal(broken.firstBad?.batch, '000000000001-000000000001');
  assert.equal(broken.from, 'cloud');
});
