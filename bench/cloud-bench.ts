/**
 * Mirror throughput beside plain PutObject of the same bytes to the same
 * s3rver, in one run. Usage: node --import tsx bench/cloud-bench.ts [--size-mb 64]
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { LocalBackend } from '../main/engine/backends/local-backend.ts';
import type { FileType } from '../main/engine/backends/backend.ts';
import { mirrorRepository } from '../main/engine/cloud/mirror.ts';
import { S3MirrorTarget } from '../main/engine/cloud/s3-mirror-target.ts';
import { createEngine } from '../main/engine/engine.ts';

type S3rverClass = new (o: { port: number; address: string; silent: boolean; directory: string; configureBuckets: { name: string }[] }) => {
  run(): Promise<{ port: number }>; close(): Promise<void>;
};

const sizeArg = process.argv.indexOf('--size-mb');
const sizeMb = sizeArg > 0 ? Number(process.argv[sizeArg + 1]) : 64;
const dir = mkdtempSync(join(tmpdir(), 'qb-cloud-bench-'));
const S3rver = createRequire(import.meta.url)('s3rver') as S3rverClass;
const server = new S3rver({ port: 0, address: '127.0.0.1', silent: true, directory: join(dir, 's3'), configureBuckets: [{ name: 'bench' }] });
try {
  const { port } = await server.run();
  const endpoint = `http://127.0.0.1:${port}`;
  const client = new S3Client({
    region: 'us-east-1', endpoint, forcePathStyle: true, credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED', maxAttempts: 6,
  });
  const files = join(dir, 'files');
  mkdirSync(files);
  for (let i = 0; i < sizeMb / 4; i++) writeFileSync(join(files, `f${i}.bin`), randomBytes(4 * 1024 * 1024));
  const engine = createEngine({ home: join(dir, 'home'), secrets: { repositoryPassword: async () => 'bench', secret: async () => null } });
  await engine.initialize({ repoPath: join(dir, 'repo'), files: [files] });
  await engine.backupFiles();
  engine.close();
  const source = new LocalBackend(join(dir, 'repo'));

  let t0 = performance.now();
  const report = await mirrorRepository({
    source, target: new S3MirrorTarget({ client, bucket: 'bench', prefix: 'mirror', endpoint }), host: 'bench', backupTime: new Date(),
  });
  const mirrorMs = performance.now() - t0;

  // The peer: the same files, one PutObject each, one at a time, no metadata or pacing.
  t0 = performance.now();
  for (const type of ['config', 'key', 'data', 'index', 'snapshot'] as FileType[]) {
    for (const f of await source.list(type)) {
      const body = await source.load({ type, name: f.name });
      await client.send(new PutObjectCommand({ Bucket: 'bench', Key: `plain/${type}/${f.name || 'config'}`, Body: body }));
    }
  }
  const plainMs = performance.now() - t0;
  const mib = report.uploadedBytes / 1024 / 1024;
  console.log(`bytes: ${mib.toFixed(1)} MiB in ${report.uploaded} files`);
  console.log(`mirror:          ${(mirrorMs / 1000).toFixed(2)} s  ${(mib / (mirrorMs / 1000)).toFixed(1)} MiB/s`);
  console.log(`plain PutObject: ${(plainMs / 1000).toFixed(2)} s  ${(mib / (plainMs / 1000)).toFixed(1)} MiB/s`);
  console.log(`ratio (mirror time / PutObject time): ${(mirrorMs / plainMs).toFixed(2)}`);
  client.destroy();
} finally {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
}
