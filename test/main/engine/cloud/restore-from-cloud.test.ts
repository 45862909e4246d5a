/**
 * restore --from cloud and check --from cloud against s3rver holding a copy of
 * a local repository, put there object by object with plain PutObject (so this
 * does not depend on the mirror). The local repository is moved away first:
 * whatever is restored or checked can only have come from the bucket.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, renameSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { test, type TestContext } from 'node:test';
import { initCloudTestEngine, writeCloudSection } from '../../../support/cloud-engine.ts';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { main } from '../../../../main/cli/main.ts';
import { fingerprint } from '../../../support/fingerprint.ts';
import { startFaultProxy } from '../../../support/fault-proxy.ts';
import { startS3Server, testCloudConfig } from '../../../support/s3-server.ts';
import { plainS3Client } from '../../../support/s3-download.ts';
import { tempDir } from '../../../support/temp-dir.ts';
import { writeTree } from '../verify/engine-fixture.ts';

function filesUnder(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const full = join(dir, name);
      if (statSync(full).isDirectory()) walk(full);
      else out.push(relative(root, full));
    }
  };
  walk(root);
  return out.sort();
}

async function repositoryInBucket(t: TestContext, keepLocal = false) {
  const s3 = await startS3Server(t);
  const dir = tempDir(t);
  const source = join(dir, 'files');
  const tree: Record<string, string | Buffer> = { 'big/blob.bin': randomBytes(1_500_000), 'empty.txt': '' };
  for (let i = 0; i < 12; i++) tree[`notes/n${i}.md`] = `note ${i}\n`.repeat(i + 1);
  writeTree(source, tree);
  const { engine, home, repoPath, configFile } = await initCloudTestEngine(t, dir, source);
  await engine.backupFiles();

  const client = plainS3Client(s3.endpoint);
  t.after(() => client.destroy());
  const keys = filesUnder(repoPath).filter((k) => !k.startsWith('locks/'));
  for (const key of keys) {
    await client.send(new PutObjectCommand({ Bucket: s3.bucket, Key: `repo/${key}`, Body: readFileSync(join(repoPath, key)) }));
  }
  writeCloudSection(configFile, testCloudConfig(s3.endpoint, s3.bucket));
  if (!keepLocal) renameSync(repoPath, `${repoPath}.away`);
  return { s3, dir, home, source, engine, objects: keys.length, configFile };
}

test('restore --from cloud and check --read-data --from cloud read the bucket, not the local repository', async (t) => {
  const fx = await repositoryInBucket(t);
  assert.ok(fx.objects >= 5, `copied ${fx.objects} objects`);
  await assert.rejects(fx.engine.check({ readData: false }), 'the local repository is gone');

  const report = await fx.engine.check({ readData: true, from: 'cloud' });
  assert.equal(report.ok, true, JSON.stringify(report.errors));
  assert.ok(report.packsChecked >= 1);

  const target = join(fx.dir, 'restored');
  const r = await fx.engine.restore('latest', { to: target, from: 'cloud' });
  assert.equal(r.kind, 'files');
  // Files restore under their absolute source path inside the target.
  assert.equal(fingerprint(join(target, fx.source)), fingerprint(fx.source));
});

test('the CLI: check --from cloud passes, restore --from cloud restores, --from elsewhere is a usage error', async (t) => {
  const fx = await repositoryInBucket(t);
  const out: string[] = [];
  const err: string[] = [];
  const io = {
    stdout: (s: string) => { out.push(s); },
    stderr: (s: string) => { err.push(s); },
    env: { QUANTAI_BACKUP_HOME: fx.home, QUANTAI_BACKUP_PASSWORD: 'test-password', QUANTAI_BACKUP_S3_ACCESS_KEY_ID: 'S3RVER', QUANTAI_BACKUP_S3_SECRET_ACCESS_KEY: 'S3RVER' },
    stderrIsTty: false,
  };
  assert.equal(await main(['check', '--from', 'cloud'], io), 0, err.join(''));
  assert.match(out.join(''), /no errors found \(1 snapshots/);

  const target = join(fx.dir, 'cli-restored');
  assert.equal(await main(['restore', 'latest', '--from', 'cloud', '--to', target], io), 0, err.join(''));
  assert.equal(fingerprint(join(target, fx.source)), fingerprint(fx.source));

  err.length = 0;
  assert.equal(await main(['check', '--from', 'tape'], io), 2);
  assert.match(err.join(''), /--from must be one of local, cloud\b.*, not 'tape'/);
});

test('the restore drill runs on the cloud destination too', async (t) => {
  const fx = await repositoryInBucket(t, true);
  const outcome = await fx.engine.restoreTest();
  assert.deepEqual(outcome.drills.map((d) => [d.destination, d.ok]), [['local', true], ['cloud', true]], JSON.stringify(outcome.drills.map((d) => d.evidence.failures)));
});

test('a restore of one small file reads only some pack bytes, not the whole repository', async (t) => {
  const fx = await repositoryInBucket(t);
  // Route the engine through a pass-through proxy that records each request.
  const seen: { method: string; url: string; range: string | undefined }[] = [];
  const proxy = await startFaultProxy(t, fx.s3.port, { plan: (_n, req) => { seen.push({ method: req.method ?? '', url: req.url ?? '', range: req.headers.range }); return 'pass'; } });
  writeCloudSection(fx.configFile, testCloudConfig(proxy.endpoint, fx.s3.bucket));

  const target = join(fx.dir, 'one-file');
  const r = await fx.engine.restore('latest', { to: target, from: 'cloud', include: [join(fx.source, 'notes/n3.md')] });
  assert.equal(r.kind === 'files' ? r.files : -1, 1);
  assert.equal(readFileSync(join(target, fx.source, 'notes/n3.md'), 'utf8'), 'note 3\n'.repeat(4));
  const dataGets = seen.filter((s) => s.method === 'GET' && /\/data\//.test(s.url));
  assert.ok(dataGets.length > 0, 'the restore read from the bucket');
  // Tree and file blobs are fetched by byte range; the 1.5 MB random blob of the same repository is never read.
  let bytes = 0;
  for (const g of dataGets) {
    const m = /^bytes=(\d+)-(\d+)$/.exec(g.range ?? '');
    assert.ok(m, `pack read without a byte range: ${g.url}`);
    bytes += Number(m[2]) - Number(m[1]) + 1;
  }
  assert.ok(bytes < 100_000, `read ${bytes} bytes of packs to restore one small file`);
});
