// What each uploaded object carries, checked at the HTTP level on a recording server (s3rver keeps
// neither tags from upload headers nor Object Lock): pack tags for the lifecycle, per-class retention
// on snapshot files. restic reads the local repository as the oracle for pack types and snapshot tags.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { initCloudTestEngine } from '../../../support/cloud-engine.ts';
import { resticOk } from '../../../support/restic.ts';
import { S3_XMLNS, startRecordingS3, type RecordedRequest, type ScriptedReply } from '../../../support/recording-s3-server.ts';
import { testCloudConfig } from '../../../support/s3-server.ts';
import { tempDir } from '../../../support/temp-dir.ts';
import { requireTool } from '../../../support/tools.ts';
import { writeTree } from '../verify/engine-fixture.ts';

const PASSWORD = 'test-password';
const EMPTY_LIST = `<?xml version="1.0" encoding="UTF-8"?><ListBucketResult xmlns="${S3_XMLNS}"><Name>qb-rec</Name><KeyCount>0</KeyCount>`
  + '<MaxKeys>1000</MaxKeys><IsTruncated>false</IsTruncated></ListBucketResult>';

interface ResticIndex { packs: { id: string; blobs: { type: 'data' | 'tree' }[] }[] }
interface ResticSnapshot { id: string; time: string; tags?: string[] }

function addYears(time: Date, years: number): number {
  const d = new Date(time);
  d.setUTCFullYear(d.getUTCFullYear() + years);
  return d.getTime();
}

test('packs are tagged with their blob type; snapshots carry the retain-until date of their data class, packs and index none', async (t) => {
  if (!requireTool(t, 'restic')) return;
  const { requests, endpoint } = await startRecordingS3(t, (r): ScriptedReply => (r.method === 'GET'
    ? { status: 200, headers: { 'content-type': 'application/xml' }, body: EMPTY_LIST }
    : { status: 200, headers: { etag: '"e"' } }));
  const dir = tempDir(t);
  const files = join(dir, 'files');
  writeTree(files, { 'a/one.txt': 'first\n', 'a/two.txt': 'second\n'.repeat(500), 'b/three.bin': Buffer.alloc(70_000, 7) });
  const { engine, repoPath, configFile } = await initCloudTestEngine(t, dir, files);
  const setTier = (tier: number): void => {
    const config = JSON.parse(readFileSync(configFile, 'utf8')) as { files: { sources: { path: string; tier?: number }[] } } & Record<string, unknown>;
    config.files.sources = config.files.sources.map((s) => ({ ...s, tier }));
    writeFileSync(configFile, JSON.stringify({ ...config, cloud: { ...testCloudConfig(endpoint, 'qb-rec'), objectLock: { mode: 'COMPLIANCE', years: 7 } } }));
  };
  setTier(3);
  await engine.backupFiles();
  writeTree(files, { 'a/one.txt': 'first, changed\n' });
  setTier(1);
  await engine.backupFiles();

  await engine.cloudSync();

  const packType = new Map<string, string>();
  for (const id of resticOk(repoPath, PASSWORD, ['list', 'index']).trim().split('\n')) {
    const index = JSON.parse(resticOk(repoPath, PASSWORD, ['cat', 'index', id])) as ResticIndex;
    for (const p of index.packs) packType.set(p.id, p.blobs[0]!.type);
  }
  assert.ok([...packType.values()].includes('tree') && [...packType.values()].includes('data'), 'the fixture has both kinds of pack');
  const puts = requests.filter((r) => r.method === 'PUT');
  const under = (folder: string): RecordedRequest[] => puts.filter((r) => r.url.startsWith(`/qb-rec/repo/${folder}/`));

  const packPuts = under('data');
  assert.equal(packPuts.length, packType.size);
  for (const r of packPuts) {
    const id = r.url.split('?')[0]!.split('/').pop()!;
    assert.equal(r.headers['x-amz-tagging'], `qb-blob-type=${packType.get(id)}`, `pack ${id.slice(0, 8)}`);
    assert.equal(r.headers['x-amz-object-lock-mode'], undefined, 'packs take the bucket default retention');
  }
  for (const r of [...under('index'), ...under('keys')]) {
    assert.equal(r.headers['x-amz-tagging'], undefined);
    assert.equal(r.headers['x-amz-object-lock-retain-until-date'], undefined);
  }

  const snapshots = JSON.parse(resticOk(repoPath, PASSWORD, ['snapshots', '--json'])) as ResticSnapshot[];
  const snapshotPuts = under('snapshots');
  assert.equal(snapshotPuts.length, 2);
  for (const r of snapshotPuts) {
    const id = r.url.split('?')[0]!.split('/').pop()!;
    const sn = snapshots.find((s) => s.id === id);
    assert.ok(sn, `snapshot ${id} is in the repository`);
    const taken = new Date(sn.time);
    const until = Date.parse(String(r.headers['x-amz-object-lock-retain-until-date']));
    const expected = sn.tags?.includes('tier:1') ? addYears(taken, 7) : taken.getTime() + 30 * 86_400_000;
    assert.ok(Math.abs(until - expected) < 1000, `${sn.tags?.join(',')}: retain until ${new Date(until).toISOString()}, expected ${new Date(expected).toISOString()}`);
    assert.equal(r.headers['x-amz-object-lock-mode'], 'COMPLIANCE');
    assert.ok(r.headers['x-amz-checksum-crc32'], 'S3 wants a body checksum with a retention period');
  }
  assert.ok(snapshots.some((s) => s.tags?.includes('tier:3')) && snapshots.some((s) => s.tags?.includes('tier:1')));
});
