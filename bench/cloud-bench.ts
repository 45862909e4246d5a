/**
 * Mirror throughput beside plain PutObject of the same bytes to the same
 * s3rver, in one run. Usage: npm run bench:cloud -- [--size-mb 64] [--rounds 3]
 *
 * Each round runs every variant once, in a rotating order (so neither side
 * always gets the warm cache), to a fresh key prefix; the figures are medians.
 * Variants, to show where the time goes:
 * - mirror: what the cloud job does (8 MiB multipart parts, 2 files at once, an upload pacer with no cap);
 * - mirror, one PUT per file: the same with the part size above the pack size (no multipart);
 * - mirror, paced stream: the same under a cap too high to bite, so every file goes through the paced stream;
 * - plain PutObject: the peer, one PutObject per file, one file at a time;
 * and the fixed cost of a run that finds everything already there (the listings).
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { LocalBackend } from '../main/engine/backends/local-backend.ts';
import type { FileType } from '../main/engine/backends/backend.ts';
import { systemClock } from '../main/engine/clock.ts';
import { mirrorRepository } from '../main/engine/cloud/mirror.ts';
import { S3MirrorTarget } from '../main/engine/cloud/s3-mirror-target.ts';
import { UploadPacer } from '../main/engine/cloud/upload-pacer.ts';
import { createEngine } from '../main/engine/engine.ts';
import { median } from './lib/stats.ts';

type S3rverClass = new (o: { port: number; address: string; silent: boolean; directory: string; configureBuckets: { name: string }[] }) => {
  run(): Promise<{ port: number }>; close(): Promise<void>;
};

function numberArg(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}

const sizeMb = numberArg('--size-mb', 64);
const rounds = numberArg('--rounds', 3);
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
  const types: FileType[] = ['config', 'key', 'data', 'index', 'snapshot'];
  let bytes = 0;
  let count = 0;
  for (const type of types) for (const f of await source.list(type)) { bytes += f.size; count++; }

  const mirror = (partSize: number, cap: number | null = null) => async (prefix: string): Promise<void> => {
    await mirrorRepository({
      source, target: new S3MirrorTarget({ client, bucket: 'bench', prefix, endpoint, partSize }), host: 'bench', backupTime: new Date(),
      pacer: new UploadPacer({ clock: systemClock, capAt: () => cap }),
    });
  };
  const plain = async (prefix: string): Promise<void> => {
    for (const type of types) {
      for (const f of await source.list(type)) {
        const body = await source.load({ type, name: f.name });
        await client.send(new PutObjectCommand({ Bucket: 'bench', Key: `${prefix}/${type}/${f.name || 'config'}`, Body: body }));
      }
    }
  };
  const variants: [string, (prefix: string) => Promise<void>][] = [
    ['mirror (8 MiB parts)', mirror(8 * 1024 * 1024)],
    ['mirror, one PUT per file', mirror(64 * 1024 * 1024)],
    // What every job run paid before the pacer was skipped when no cap applies: the file as a stream of 256 KiB chunks.
    ['mirror, paced stream', mirror(8 * 1024 * 1024, 10 * 1024 ** 3)],
    ['plain PutObject', plain],
  ];
  const times = new Map<string, number[]>(variants.map(([name]) => [name, []]));
  for (let round = 0; round < rounds; round++) {
    for (let k = 0; k < variants.length; k++) {
      const [name, run] = variants[(round + k) % variants.length]!;
      const t0 = performance.now();
      await run(`r${round}-${k}`);
      times.get(name)!.push(performance.now() - t0);
    }
  }
  // The fixed cost of a run: listing both sides when the bucket already has everything (round 0 mirrored to r0-0).
  const listed: number[] = [];
  for (let round = 0; round < rounds; round++) {
    const t0 = performance.now();
    await mirror(8 * 1024 * 1024)('r0-0');
    listed.push(performance.now() - t0);
  }
  const mib = bytes / 1024 / 1024;
  const plainMs = median(times.get('plain PutObject')!);
  console.log(`bytes: ${mib.toFixed(1)} MiB in ${count} files; ${rounds} round(s), medians`);
  for (const [name] of variants) {
    const ms = median(times.get(name)!);
    console.log(`${name.padEnd(26)} ${(ms / 1000).toFixed(2)} s  ${(mib / (ms / 1000)).toFixed(1)} MiB/s  time ratio to plain PutObject ${(ms / plainMs).toFixed(2)}`);
  }
  console.log(`${'mirror with nothing to send'.padEnd(26)} ${(median(listed) / 1000).toFixed(2)} s  (listing both sides: the fixed cost of every run)`);
  client.destroy();
} finally {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
}
