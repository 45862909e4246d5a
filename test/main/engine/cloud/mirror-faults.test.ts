/**
 * The cloud job's mirror through a fault-injecting proxy in front of s3rver:
 * 503 SlowDown, resets before and in the middle of a response, slow responses
 * and stalls hit listings, single uploads and multipart parts alike. The SDK's
 * own retries (each part on its own) must carry every file across: afterwards
 * the bucket, downloaded straight from s3rver, passes restic check --read-data
 * and restores the source.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { test } from 'node:test';
import { LocalBackend } from '../../../../main/engine/backends/local-backend.ts';
import { initCloudTestEngine, writeCloudSection } from '../../../support/cloud-engine.ts';
import { startFaultProxy, type Fault } from '../../../support/fault-proxy.ts';
import { fingerprint } from '../../../support/fingerprint.ts';
import { resticOk } from '../../../support/restic.ts';
import { startS3Server, testCloudConfig } from '../../../support/s3-server.ts';
import { downloadPrefix, plainS3Client } from '../../../support/s3-download.ts';
import { tempDir } from '../../../support/temp-dir.ts';
import { requireTool } from '../../../support/tools.ts';
import { writeTree } from '../verify/engine-fixture.ts';

const PASSWORD = 'test-password';
const FAULTS: Fault[] = ['slowdown', 'reset-before', 'reset-midway', 'slow', 'stall'];

test('the mirror survives SlowDown, resets, slow responses and stalls with nothing missing', { timeout: 180_000 }, async (t) => {
  if (!requireTool(t, 'restic')) return;
  const s3 = await startS3Server(t);
  // Every other request fails, cycling through the kinds, so listings, puts and parts all meet each one.
  let faulted = 0;
  const proxy = await startFaultProxy(t, s3.port, {
    plan: (n, req) => {
      if (n % 2 === 1) return 'pass';
      // A reset in the middle of a response needs a body: a listing or an error, not an empty PUT answer.
      const fault = FAULTS[faulted++ % FAULTS.length]!;
      return fault === 'reset-midway' && req.method !== 'GET' ? 'reset-before' : fault;
    },
    stallMs: 1500,
  });
  const dir = tempDir(t);
  const files = join(dir, 'files');
  // A pack above the 5 MiB part size goes up in parts; the small files make several packs and snapshots.
  writeTree(files, { 'big.bin': randomBytes(11_000_000), 'notes/a.md': 'alpha\n'.repeat(200), 'notes/b.md': 'beta\n' });
  const { engine, repoPath, configFile } = await initCloudTestEngine(t, dir, files);
  writeCloudSection(configFile, testCloudConfig(proxy.endpoint, s3.bucket));
  await engine.backupFiles();
  writeTree(files, { 'notes/c.md': 'gamma\n' });
  await engine.backupFiles();

  const local = new LocalBackend(repoPath);
  const localCount = (await Promise.all((['config', 'key', 'data', 'index', 'snapshot', 'wal', 'oplog'] as const).map((type) => local.list(type)))).flat().length;
  const report = await engine.cloudSync({ partSize: 5 * 1024 * 1024 });
  assert.equal(report.uploaded, localCount, 'every local file was uploaded in one run');
  for (const fault of FAULTS) assert.ok(proxy.counts[fault] > 0, `the proxy never injected ${fault}: ${JSON.stringify(proxy.counts)}`);

  const client = plainS3Client(s3.endpoint);
  t.after(() => client.destroy());
  const folder = join(dir, 'downloaded');
  await downloadPrefix(client, s3.bucket, 'repo', folder);
  resticOk(folder, PASSWORD, ['check', '--read-data']);
  const restored = join(dir, 'restored');
  resticOk(folder, PASSWORD, ['restore', 'latest', '--target', restored]);
  assert.equal(fingerprint(join(restored, files)), fingerprint(files));

  // Nothing was left out: a second pass through the same faults finds every file already there.
  const again = await engine.cloudSync();
  assert.equal(again.skipped, report.uploaded);
});
