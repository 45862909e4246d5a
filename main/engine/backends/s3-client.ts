/**
 * Builds the S3Client for the cloud section of the config. Credentials: the
 * secrets 's3-access-key-id' and 's3-secret-access-key' when both are set,
 * otherwise the SDK's default chain (environment, shared config and profiles,
 * SSO, instance roles), which the SDK resolves when no credentials are given.
 */
import { S3Client } from '@aws-sdk/client-s3';
import { BackupError } from '../errors.ts';
import type { SecretSource } from '../secrets/password-source.ts';
import type { CloudConfig } from '../config/cloud-schema.ts';

export interface S3ClientTuning {
  /** Give up on a connection attempt after this long (ms). */
  connectionTimeoutMs?: number;
  /** Give up on a request whose socket is idle this long (ms): a stalled transfer. */
  requestTimeoutMs?: number;
  /** Attempts inside the SDK; 1 because RetryBackend owns the retry policy. */
  maxAttempts?: number;
}

export type S3Target = Pick<CloudConfig, 'region' | 'endpoint' | 'forcePathStyle'>;

export async function resolveStaticCredentials(secrets: SecretSource): Promise<{ accessKeyId: string; secretAccessKey: string } | undefined> {
  const accessKeyId = await secrets.secret('s3-access-key-id');
  const secretAccessKey = await secrets.secret('s3-secret-access-key');
  if (accessKeyId && secretAccessKey) return { accessKeyId, secretAccessKey };
  if (accessKeyId || secretAccessKey) {
    // Half a key pair would silently fall back to another identity: refuse instead.
    const missing = accessKeyId ? 's3-secret-access-key' : 's3-access-key-id';
    throw new BackupError('permanent', `the secret ${missing} is not set while its partner is: set both S3 keys, or neither to use the AWS credential chain`);
  }
  return undefined;
}

export async function createS3Client(target: S3Target, secrets: SecretSource, tuning: S3ClientTuning = {}): Promise<S3Client> {
  const credentials = await resolveStaticCredentials(secrets);
  return new S3Client({
    region: target.region,
    ...(target.endpoint ? { endpoint: target.endpoint } : {}),
    forcePathStyle: target.forcePathStyle,
    ...(credentials ? { credentials } : {}),
    maxAttempts: tuning.maxAttempts ?? 1,
    // S3-compatible stores (MinIO, Wasabi, B2, s3rver) do not all accept the SDK's
    // default CRC checksums; send them only where S3 requires one.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    requestHandler: {
      connectionTimeout: tuning.connectionTimeoutMs ?? 10_000,
      requestTimeout: tuning.requestTimeoutMs ?? 120_000,
      // Without this the SDK only logs a warning and keeps waiting on a stalled socket.
      throwOnRequestTimeout: true,
    },
  });
}

/** The endpoint for messages: the configured URL, or AWS's regional one. */
export function describeEndpoint(target: S3Target): string {
  return target.endpoint ?? `s3.${target.region}.amazonaws.com`;
}
