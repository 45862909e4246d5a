// Storage classes and restores answered by a recording server: s3rver has no Glacier.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ensureThawed, findFrozenPacks } from '../../../../main/engine/cloud/cloud-thaw.ts';
import { isBackupError } from '../../../../main/engine/errors.ts';
import { startRecordingS3, xmlReply, type RecordedRequest, type ScriptedReply } from '../../../support/recording-s3-server.ts';

const NS = 'xmlns="http://s3.amazonaws.com/doc/2006-03-01/"';
const settings = { bucket: 'qb-bucket', prefix: 'qb' };
const NOW = new Date('2026-11-27T10:00:00Z');

/** Three packs: one Standard, one Glacier, one Deep Archive (restore header per key). */
function bucket(restoreHeaders: Record<string, string> = {}) {
  const objects = [['qb/data/aa/aa01', 'STANDARD'], ['qb/data/bb/bb02', 'GLACIER'], ['qb/data/cc/cc03', 'DEEP_ARCHIVE']] as const;
  return (r: RecordedRequest): ScriptedReply => {
    const url = new URL(r.url, 'http://x');
    if (r.method === 'GET' && url.searchParams.get('list-type') === '2') {
      const contents = objects.map(([k, c]) => `<Contents><Key>${k}</Key><Size>10</Size><StorageClass>${c}</StorageClass></Contents>`).join('');
      return xmlReply(`<ListBucketResult ${NS}><Name>qb-bucket</Name><Prefix>${url.searchParams.get('prefix')}</Prefix><KeyCount>3</KeyCount><IsTruncated>false</IsTruncated>${contents}</ListBucketResult>`);
    }
    if (r.method === 'HEAD') {
      const key = decodeURIComponent(url.pathname.replace('/qb-bucket/', ''));
      const cls = objects.find(([k]) => k === key)?.[1];
      return { status: 200, headers: { 'content-length': '10', ...(cls && cls !== 'STANDARD' ? { 'x-amz-storage-class': cls } : {}), ...(restoreHeaders[key] ? { 'x-amz-restore': restoreHeaders[key] } : {}) } };
    }
    if (r.method === 'POST' && url.searchParams.has('restore')) return { status: 202 };
    return { status: 400 };
  };
}

test('Glacier and Deep Archive packs are found through the listing and HeadObject', async (t) => {
  const { client, requests } = await startRecordingS3(t, bucket({ 'qb/data/bb/bb02': 'ongoing-request="true"' }));
  const frozen = await findFrozenPacks(client, settings);
  assert.deepEqual(frozen, [
    { key: 'qb/data/bb/bb02', storageClass: 'GLACIER', restore: 'in-progress' },
    { key: 'qb/data/cc/cc03', storageClass: 'DEEP_ARCHIVE', restore: 'none' },
  ]);
  assert.match(requests[0]!.url, /prefix=qb%2Fdata%2F/);
  assert.equal(requests.filter((r) => r.method === 'HEAD').length, 2, 'only frozen candidates are HEAD-ed');
});

test('without --request-thaw: one line saying how to thaw, nothing restored', async (t) => {
  const { client, requests } = await startRecordingS3(t, bucket());
  await assert.rejects(ensureThawed(client, settings, { request: false, now: NOW }), (err: unknown) => {
    assert.ok(isBackupError(err));
    assert.equal(err.message.split('\n').length, 1);
    assert.match(err.message, /2 pack\(s\) in s3:\/\/qb-bucket\/qb\/ are in Glacier and Deep Archive and cannot be read yet: run again with --request-thaw .*12 h/);
    return true;
  });
  assert.equal(requests.filter((r) => r.method === 'POST').length, 0);
});

test('with --request-thaw: RestoreObject (Standard, 7 days) for packs not yet restoring, and when it will be ready', async (t) => {
  const { client, requests } = await startRecordingS3(t, bucket({ 'qb/data/bb/bb02': 'ongoing-request="true"' }));
  await assert.rejects(ensureThawed(client, settings, { request: true, now: NOW }), /restore requested \(standard retrieval, 12 h\); the data should be readable by 2026-11-27 22:00 UTC/);
  const posts = requests.filter((r) => r.method === 'POST');
  assert.deepEqual(posts.map((p) => new URL(p.url, 'http://x').pathname), ['/qb-bucket/qb/data/cc/cc03']);
  assert.equal(posts[0]!.body, `<?xml version="1.0" encoding="UTF-8"?><RestoreRequest ${NS}><Days>7</Days><GlacierJobParameters><Tier>Standard</Tier></GlacierJobParameters></RestoreRequest>`);
});

test('packs whose restored copy is ready let the read go ahead', async (t) => {
  const ready = 'ongoing-request="false", expiry-date="Fri, 04 Dec 2026 00:00:00 GMT"';
  const { client } = await startRecordingS3(t, bucket({ 'qb/data/bb/bb02': ready, 'qb/data/cc/cc03': ready }));
  await ensureThawed(client, settings, { request: false, now: NOW });
});
