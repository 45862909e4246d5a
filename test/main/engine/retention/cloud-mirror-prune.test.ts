/**
 * Deletions reaching the S3 mirror: through the real cloud job on s3rver
 * (forget, prune, sync: the bucket then holds what the local repository
 * holds and restic reads it), and at the HTTP level for what s3rver lacks
 * (an Object Lock retain-until date answered on HEAD: no DELETE is sent).
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { test } from 'node:test';
import { initCloudTestEngine, writeCloudSection } from '../../../support/cloud-engine.ts';
import { LocalBackend } from '../../../../main/engine/backends/local-backend.ts';
import { relativePath } from '../../../../main/engine/backends/repository-layout.ts';
import { S3MirrorTarget } from '../../../../main/engine/cloud/s3-mirror-target.ts';
import { Repository } from '../../../../main/engine/repo/repository.ts';
import { pruneMirror } from '../../../../main/engine/retention/mirror-prune.ts';
import { pruneRepository } from '../../../../main/engine/retention/prune.ts';
import { S3_XMLNS, startRecordingS3, xmlReply } from '../../../support/recording-s3-server.ts';
import { resticOk } from '../../../support/restic.ts';
import { startS3Server, testCloudConfig } from '../../../support/s3-server.ts';
import { downloadPrefix, listKeys, plainS3Client } from '../../../support/s3-download.ts';
import { tempDir } from '../../../support/temp-dir.ts';
import { requireTool } from '../../../support/tools.ts';
import { writeTree } from '../verify/engine-fixture.ts';
import { buildRepository, forgetSnapshots } from './prune-fixture.ts';

const PASSWORD = 'test-password';

test('cloud sync after forget and prune deletes what the local repository dropped; the bucket passes restic check --read-data', { timeout: 180_000 }, async (t) => {
  if (!requireTool(t, 'restic')) return;
  const s3 = await startS3Server(t);
  const dir = tempDir(t);
  const files = join(dir, 'files');
  writeTree(files, { 'keep.txt': 'kept in every snapshot\n', 'day-0.bin': randomBytes(600_000) });
  const { engine, repoPath, configFile } = await initCloudTestEngine(t, dir, files);
  writeCloudSection(configFile, testCloudConfig(s3.endpoint, s3.bucket));
  const snapshots: string[] = [];
  for (let day = 0; day < 3; day++) {
    writeTree(files, { [`day-${day}.bin`]: randomBytes(600_000), 'ledger.csv': `${day}\n`.repeat(20_000) });
    snapshots.push((await engine.backupFiles({ full: true })).snapshotId);
  }
  const first = await engine.cloudSync();
  assert.equal(first.mirrorPrune.ok && first.mirrorPrune.report.deleted, 0, 'nothing to delete before a prune');

  const repo = await Repository.open(new LocalBackend(repoPath), PASSWORD);
  await forgetSnapshots(repo, snapshots.slice(0, 2));
  const pruned = await engine.prune({ maxUnusedPercent: 0 });
  assert.ok(pruned.packsDeleted + pruned.packsRepacked > 0, JSON.stringify(pruned));
  assert.ok(pruned.runId !== null);

  const second = await engine.cloudSync();
  assert.ok(second.mirrorPrune.ok, JSON.stringify(second.mirrorPrune));
  const deletions = second.mirrorPrune.report;
  assert.equal(deletions.deletedByType.snapshot, 2);
  assert.ok((deletions.deletedByType.data ?? 0) > 0, JSON.stringify(deletions));

  const client = plainS3Client(s3.endpoint);
  t.after(() => client.destroy());
  const remote = (await listKeys(client, s3.bucket, 'repo/')).map((k) => k.key.slice('repo/'.length)).filter((k) => /^(data|index|snapshots)\//.test(k)).sort();
  const backend = new LocalBackend(repoPath);
  const local = (await Promise.all((['data', 'index', 'snapshot'] as const).map(async (type) =>
    (await backend.list(type)).map((f) => relativePath({ type, name: f.name }))))).flat().sort();
  assert.deepEqual(remote, local, 'the bucket holds exactly the local repository files');
  const folder = join(dir, 'downloaded');
  await downloadPrefix(client, s3.bucket, 'repo', folder);
  resticOk(folder, PASSWORD, ['check', '--read-data']);
  const listed = JSON.parse(resticOk(folder, PASSWORD, ['snapshots', '--json'])) as { id: string }[];
  assert.deepEqual(listed.map((s) => s.id), [snapshots[2]]);
});

test('an object whose HEAD carries an Object Lock retain-until date in the future is never deleted', { timeout: 60_000 }, async (t) => {
  const fx = await buildRepository(t);
  await forgetSnapshots(fx.repo, fx.ids.slice(0, 1));
  await pruneRepository(fx.repo, { dryRun: true });
  const keyName = (await fx.repo.backend.list('key'))[0]!.name;
  const indexes = await fx.repo.backend.list('index');
  const forgotten = fx.ids[0]!;
  // The bucket as the mirror left it: every local key and index, plus the forgotten snapshot.
  const listing: Record<string, { name: string; size: number }[]> = {
    keys: [{ name: keyName, size: 1 }],
    index: indexes,
    snapshots: [{ name: forgotten, size: 100 }],
  };
  const { requests, client, endpoint } = await startRecordingS3(t, (req) => {
    const url = new URL(req.url, 'http://x');
    if (req.method === 'GET' && url.searchParams.get('list-type') === '2') {
      const prefix = url.searchParams.get('prefix') ?? '';
      const folder = prefix.replace(/^repo\//, '').replace(/\/$/, '');
      const items = (listing[folder] ?? []).map((f) => `<Contents><Key>${prefix}${f.name}</Key><Size>${f.size}</Size></Contents>`).join('');
      return xmlReply(`<ListBucketResult xmlns="${S3_XMLNS}"><Name>b</Name><Prefix>${prefix}</Prefix><IsTruncated>false</IsTruncated>${items}</ListBucketResult>`);
    }
    if (req.method === 'HEAD') {
      return { status: 200, headers: { 'content-length': '100', 'x-amz-object-lock-mode': 'COMPLIANCE', 'x-amz-object-lock-retain-until-date': '2033-11-27T00:00:00.000Z' } };
    }
    return { status: 204 };
  });
  const target = new S3MirrorTarget({ client, bucket: 'b', prefix: 'repo', endpoint });
  const report = await pruneMirror(fx.repo.backend, target, { now: new Date('2026-11-27T00:00:00Z') });
  assert.deepEqual(report.retained, [{ type: 'snapshot', name: forgotten, until: '2033-11-27T00:00:00.000Z' }]);
  assert.equal(report.deleted, 0);
  assert.ok(requests.some((r) => r.method === 'HEAD' && r.url.includes(forgotten)), 'the retention date was asked for');
  assert.deepEqual(requests.filter((r) => r.method === 'DELETE'), [], 'no DELETE was sent');

  // After that date the same object is deleted with one DELETE.
  const later = await pruneMirror(fx.repo.backend, target, { now: new Date('2034-01-01T00:00:00Z') });
  assert.equal(later.deleted, 1);
  assert.deepEqual(requests.filter((r) => r.method === 'DELETE').map((r) => r.url.split('?')[0]), [`/b/repo/snapshots/${forgotten}`]);
});
