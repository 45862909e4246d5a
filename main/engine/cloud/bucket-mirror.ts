/**
 * One mirror run to one bucket (the main bucket, or the replica in mode
 * 'mirror'): builds its S3 client and target, mirrors, closes. This module
 * loads the AWS SDK, so the cloud job imports it only when it runs.
 */
import { createS3Client, describeEndpoint } from '../backends/s3-client.ts';
import type { CloudConfig } from '../config/cloud-schema.ts';
import type { SecretSource } from '../secrets/password-source.ts';
import { mirrorRepository, type MirrorOptions, type MirrorReport } from './mirror.ts';
import { S3MirrorTarget } from './s3-mirror-target.ts';

export type MirroredBucket = Omit<CloudConfig, 'replica' | 'bucket'> & { bucket: string };

export interface BucketMirrorOptions extends Omit<MirrorOptions, 'target'> {
  /** Multipart part size in bytes (tests and the benchmark). */
  partSize?: number;
}

/** Mirrors to `bucket`; the location (bucket, prefix, endpoint, never a secret) comes back for reports. */
export async function mirrorToBucket(bucket: MirroredBucket, secrets: SecretSource, options: BucketMirrorOptions): Promise<MirrorReport & { location: string }> {
  // Several attempts inside the client: each multipart part is retried on its own (see s3-mirror-target.ts).
  const client = await createS3Client(bucket, secrets, { maxAttempts: 6 });
  const { partSize, ...mirror } = options;
  const target = new S3MirrorTarget({
    client, bucket: bucket.bucket, prefix: bucket.prefix, endpoint: describeEndpoint(bucket),
    sse: bucket.sse,
    ...(bucket.storageClass ? { storageClass: bucket.storageClass } : {}),
    ...(partSize ? { partSize } : {}),
  });
  try {
    const report = await mirrorRepository({ ...mirror, target });
    return { ...report, location: target.location() };
  } finally {
    await target.close();
  }
}
