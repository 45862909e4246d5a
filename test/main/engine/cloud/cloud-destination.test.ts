/**
 * The cloud destination seen by the rest of the engine: a frozen pack stops a
 * check --from cloud with the thaw line (the recording server answers with
 * StorageClass GLACIER: s3rver has no storage classes), the drill destinations
 * include the bucket, and health shows the cloud copy going stale after 26 h.
 */
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { main } from '../../../../main/cli/main.ts';
import { parseConfig } from '../../../../main/engine/config/load-config.ts';
import { createEngine } from '../../../../main/engine/engine.ts';
import { buildHealthReport } from '../../../../main/engine/health/health-report.ts';
import { configuredDestinations } from '../../../../main/engine/verify/destinations.ts';
import { startRecordingS3, xmlReply, type RecordedRequest, type ScriptedReply } from '../../../support/recording-s3-server.ts';
import { tempDir } from '../../../support/temp-dir.ts';

const NS = 'xmlns="http://s3.amazonaws.com/doc/2006-03-01/"';

function glacierBucket(r: RecordedRequest): ScriptedReply {
  const url = new URL(r.url, 'http://x');
  if (r.method === 'GET' && url.searchParams.get('list-type') === '2') {
    return xmlReply(`<ListBucketResult ${NS}><Name>qb-bucket</Name><KeyCount>1</KeyCount><IsTruncated>false</IsTruncated>`
      + '<Contents><Key>repo/data/ab/ab12</Key><Size>100</Size><StorageClass>GLACIER</StorageClass></Contents></ListBucketResult>');
  }
  if (r.method === 'HEAD') return { status: 200, headers: { 'content-length': '100', 'x-amz-storage-class': 'GLACIER' } };
  if (r.method === 'POST') return { status: 202 };
  return { status: 500 };
}

function home(t: TestContext, cloud: Record<string, unknown>) {
  const dir = tempDir(t);
  const homeDir = join(dir, 'home');
  mkdirSync(homeDir);
  writeFileSync(join(homeDir, 'config.json'), JSON.stringify({ repository: { path: join(dir, 'repo') }, cloud }));
  return homeDir;
}

test('check --from cloud with a pack in Glacier: one line, exit 1; --request-thaw sends RestoreObject and says when', async (t) => {
  const { endpoint, requests } = await startRecordingS3(t, glacierBucket);
  const homeDir = home(t, { enabled: true, bucket: 'qb-bucket', prefix: 'repo', endpoint, forcePathStyle: true });
  const err: string[] = [];
  const io = {
    stdout: () => undefined, stderr: (s: string) => { err.push(s); }, stderrIsTty: false,
    env: { QUANTAI_BACKUP_HOME: homeDir, QUANTAI_BACKUP_PASSWORD: 'pw', QUANTAI_BACKUP_S3_ACCESS_KEY_ID: 'AK', QUANTAI_BACKUP_S3_SECRET_ACCESS_KEY: 'SK' },
  };
  assert.equal(await main(['check', '--from', 'cloud'], io), 1);
  const first = err.join('').trim();
  assert.equal(first.split('\n').length, 1, first);
  assert.match(first, /1 pack\(s\) in s3:\/\/qb-bucket\/repo\/ .*are in Glacier and cannot be read yet: run again with --request-thaw .*3-5 h/);
  assert.equal(requests.filter((r) => r.method === 'POST').length, 0);

  err.length = 0;
  assert.equal(await main(['check', '--from', 'cloud', '--request-thaw'], io), 1);
  assert.match(err.join(''), /restore requested \(standard retrieval, 3-5 h\); the data should be readable by \d{4}-\d\d-\d\d \d\d:\d\d UTC/);
  assert.deepEqual(requests.filter((r) => r.method === 'POST').map((r) => new URL(r.url, 'http://x').pathname), ['/qb-bucket/repo/data/ab/ab12']);
});

test('an enabled cloud section adds the cloud destination to drills and health; stale after 26 h without a successful cloud run', async (t) => {
  const T0 = new Date('2026-03-02T02:00:00Z');
  const clock = { current: T0, now(): Date { return this.current; } };
  const homeDir = home(t, { enabled: true, bucket: 'qb-bucket', prefix: 'repo', region: 'eu-west-1' });
  const engine = createEngine({ home: homeDir, clock, secrets: { repositoryPassword: async () => 'pw', secret: async () => null } });
  t.after(() => engine.close());
  const config = await engine.config();
  const ctx = { engine, catalog: engine.catalog, clock, logger: engine.logger, events: engine.events, hostname: 'h' };

  assert.deepEqual(configuredDestinations(ctx, config).map((d) => [d.name, d.location]), [['local', config.repository.path], ['cloud', 's3://qb-bucket/repo/ (eu-west-1)']]);
  const disabled = parseConfig({ repository: { path: '/r' } }, 'test');
  assert.deepEqual(configuredDestinations(ctx, disabled).map((d) => d.name), ['local']);

  engine.catalog.addEvent({ time: T0.toISOString(), level: 'info', type: 'init', message: 'created', data: null });
  const run = engine.catalog.startRun('cloud', T0);
  engine.catalog.finishRun(run, { result: 'success', endedAt: new Date(T0.getTime() + 60_000) });

  clock.current = new Date(T0.getTime() + 25 * 3_600_000);
  let report = await buildHealthReport(ctx, config);
  const cloud = report.destinations.find((d) => d.name === 'cloud');
  assert.equal(cloud?.kind, 'cloud');
  assert.equal(cloud?.lastSuccess, new Date(T0.getTime() + 60_000).toISOString());
  assert.equal(report.conditions.filter((c) => c.key === 'destination-stale:cloud').length, 0);

  clock.current = new Date(T0.getTime() + 27 * 3_600_000);
  report = await buildHealthReport(ctx, config);
  assert.equal(report.conditions.filter((c) => c.key === 'destination-stale:cloud').length, 1, JSON.stringify(report.conditions.map((c) => c.key)));
});
