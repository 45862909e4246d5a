/**
 * `cloud setup` and `cloud status` from the config: builds the S3 client with
 * the configured credentials, runs the set-up or the status read, and closes it.
 * The SDK-backed modules are imported on first use (see cloud-destination.ts).
 */
import type { S3Client } from '@aws-sdk/client-s3';
import type { CloudConfig } from '../config/cloud-schema.ts';
import type { SecretSource } from '../secrets/password-source.ts';
import type { BucketSetupReport } from './bucket-setup.ts';
import type { BucketStatusReport } from './bucket-status.ts';
import { cloudBucketSettings } from './cloud-destination.ts';

async function withClient<T>(cloud: CloudConfig, secrets: SecretSource, use: (client: S3Client) => Promise<T>): Promise<T> {
  const { createS3Client } = await import('../backends/s3-client.ts');
  const client = await createS3Client(cloud, secrets);
  try {
    return await use(client);
  } finally {
    client.destroy();
  }
}

export function setupCloudBucket(cloud: CloudConfig, secrets: SecretSource): Promise<BucketSetupReport> {
  const settings = cloudBucketSettings(cloud);
  return withClient(cloud, secrets, async (client) => (await import('./bucket-setup.ts')).setupBucket(client, settings));
}

export function cloudBucketStatus(cloud: CloudConfig, secrets: SecretSource): Promise<BucketStatusReport> {
  const settings = cloudBucketSettings(cloud);
  return withClient(cloud, secrets, async (client) => (await import('./bucket-status.ts')).bucketStatus(client, settings));
}
