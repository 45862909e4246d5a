/**
 * The cloud copy as a repository: restore, check, verification and drills
 * read it in place through the S3 backend (only the files they need), after
 * making sure no pack they may read is frozen in Glacier or Deep Archive.
 */
import { createCloudBackend } from '../backends/s3-backend.ts';
import { createS3Client } from '../backends/s3-client.ts';
import type { CloudConfig } from '../config/cloud-schema.ts';
import { BackupError } from '../errors.ts';
import type { Logger } from '../logger.ts';
import { Repository } from '../repo/repository.ts';
import type { SecretSource } from '../secrets/password-source.ts';
import type { BucketSettings } from './bucket-settings.ts';
import { ensureThawed } from './cloud-thaw.ts';

export interface CloudOpenOptions {
  /** Ask S3 to restore frozen packs (RestoreObject) instead of only reporting them. */
  requestThaw?: boolean;
  now: Date;
}

/** The bucket settings of an enabled cloud section; a clear error when there is none. */
export function cloudBucketSettings(cloud: CloudConfig): BucketSettings & { bucket: string } {
  if (!cloud.enabled || !cloud.bucket) {
    throw new BackupError('permanent', 'the cloud tier is not configured: set cloud.enabled and cloud.bucket in config.json, then run `quantai-backup cloud setup`');
  }
  return { ...cloud, bucket: cloud.bucket };
}

export async function openCloudRepository(
  cloud: CloudConfig, password: string, secrets: SecretSource, logger: Logger, options: CloudOpenOptions,
): Promise<Repository> {
  const settings = cloudBucketSettings(cloud);
  const client = await createS3Client(cloud, secrets);
  try {
    await ensureThawed(client, settings, { request: options.requestThaw ?? false, now: options.now });
  } finally {
    client.destroy();
  }
  const backend = await createCloudBackend(cloud, secrets, logger);
  return Repository.open(backend, password, { logger });
}
