/**
 * s3rver (a real HTTP S3 server, dev dependency) on loopback for tests, with
 * the cloud config and secrets that reach it. s3rver has no type definitions,
 * so it is loaded through require with the small shape we use.
 */
import { createRequire } from 'node:module';
import type { TestContext } from 'node:test';
import type { CloudConfig } from '../../main/engine/config/cloud-schema.ts';
import type { SecretName, SecretSource } from '../../main/engine/secrets/password-source.ts';
import { tempDir } from './temp-dir.ts';

interface S3rverInstance {
  run(): Promise<{ address: string; port: number }>;
  close(): Promise<void>;
}
type S3rverClass = new (options: {
  port: number;
  address: string;
  silent: boolean;
  directory: string;
  configureBuckets: { name: string }[];
}) => S3rverInstance;

const require = createRequire(import.meta.url);

export interface TestS3 {
  endpoint: string;
  bucket: string;
  port: number;
}

/** Starts s3rver with one bucket; stopped when the test ends. */
export async function startS3Server(t: TestContext, bucket = 'qb-test'): Promise<TestS3> {
  const S3rver = require('s3rver') as S3rverClass;
  const server = new S3rver({ port: 0, address: '127.0.0.1', silent: true, directory: tempDir(t, 'qb-s3rver-'), configureBuckets: [{ name: bucket }] });
  const { port } = await server.run();
  t.after(() => server.close());
  return { endpoint: `http://127.0.0.1:${port}`, bucket, port };
}

/** s3rver's fixed credentials. */
export const S3RVER_KEYS = { 's3-access-key-id': 'S3RVER', 's3-secret-access-key': 'S3RVER' } as const;

export function testSecrets(values: Partial<Record<SecretName, string>> = S3RVER_KEYS): SecretSource {
  return {
    repositoryPassword: async () => 'test-password',
    secret: async (name) => values[name] ?? null,
  };
}

/** A parsed-looking cloud section pointing at a test server. */
export function testCloudConfig(endpoint: string, bucket: string, prefix = 'repo'): CloudConfig {
  return { enabled: true, bucket, prefix, region: 'us-east-1', endpoint, forcePathStyle: true, sse: { mode: 'AES256' } };
}
