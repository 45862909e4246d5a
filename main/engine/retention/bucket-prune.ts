/**
 * The cloud job's deletion step: brings local prunes to a bucket through
 * pruneMirror, with a target built like the mirror's own. This module loads
 * the AWS SDK, so the cloud job imports it only when it runs.
 */
import type { Backend } from '../backends/backend.ts';
import { createS3Client, describeEndpoint } from '../backends/s3-client.ts';
import type { MirroredBucket } from '../cloud/bucket-mirror.ts';
import { S3MirrorTarget } from '../cloud/s3-mirror-target.ts';
import type { SecretSource } from '../secrets/password-source.ts';
import { pruneMirror, type MirrorPruneOptions, type MirrorPruneReport } from './mirror-prune.ts';

export async function pruneBucket(bucket: MirroredBucket, secrets: SecretSource, source: Backend, options: MirrorPruneOptions): Promise<MirrorPruneReport> {
  const client = await createS3Client(bucket, secrets, { maxAttempts: 6 });
  const target = new S3MirrorTarget({ client, bucket: bucket.bucket, prefix: bucket.prefix, endpoint: describeEndpoint(bucket), sse: bucket.sse });
  try {
    return await pruneMirror(source, target, options);
  } finally {
    await target.close();
  }
}
