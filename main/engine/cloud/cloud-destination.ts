/**
 * The cloud copy as a repository: restore, check, verification and drills
 * read it in place through the S3 backend (only the files they need), after
 * making sure no pack they may read is frozen in Glacier or Deep Archive.
 * The AWS SDK is loaded here on first use, not when the engine loads: it costs
 * about a third of a second on every CLI start that never touches the cloud.
 */
import type { CloudConfig } from '../config/cloud-schema.ts';
import { BackupError } from '../errors.ts';
import type { Logger } from '../logger.ts';
import { Repository } from '../repo/repository.ts';
import type { SecretSource } from '../secrets/password-source.ts';
import type { BucketSettings } from './bucket-settings.ts';

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
  const [{ createS3Client }, { ensureThawed }, { createCloudBackend }] = await Promise.all([
    import('../backends/s3-client.ts'), import('./cloud-thaw.ts'), import('../backends/s3-backend.ts'),
  ]);
  const client = await createS3Client(cloud, secrets);
  try {
    await ensureThawed(client, settings, { request: options.requestThaw ?? false, now: options.now });
  } finally {
    client.destroy();
  }
  const backend = await createCloudBackend(cloud, secrets, logger);
  return Repository.open(backend, password, { logger });
}
