/**
 * Packs that lifecycle rules moved to Glacier or Deep Archive cannot be read
 * until S3 restores a temporary copy. A restore or check from the cloud looks
 * for them first (ListObjectsV2 names each object's storage class; HeadObject
 * tells whether a restored copy is ready), optionally asks S3 to restore them
 * (RestoreObject, Standard retrieval), and tells the user when to come back,
 * instead of failing hours into a run on the first frozen pack.
 */
import { HeadObjectCommand, ListObjectsV2Command, RestoreObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { BackupError } from '../errors.ts';
import { bucketLocation, prefixedKey, type BucketSettings } from './bucket-settings.ts';
import { s3ErrorName, s3Failure } from './s3-failure.ts';

export const FROZEN_CLASSES = ['GLACIER', 'DEEP_ARCHIVE'] as const;
export type FrozenClass = (typeof FROZEN_CLASSES)[number];

/** Standard retrieval times S3 documents: Glacier Flexible Retrieval 3-5 h, Deep Archive within 12 h. */
export const THAW_HOURS: Record<FrozenClass, { min: number; max: number }> = {
  GLACIER: { min: 3, max: 5 },
  DEEP_ARCHIVE: { min: 12, max: 12 },
};

/** Days S3 keeps the restored copy readable. */
export const THAW_DAYS = 7;

export interface FrozenObject {
  key: string;
  storageClass: FrozenClass;
  /** none: no restore asked for; in-progress: S3 is restoring it; ready: a restored copy can be read now. */
  restore: 'none' | 'in-progress' | 'ready';
}

function isFrozen(storageClass: string | undefined): storageClass is FrozenClass {
  return (FROZEN_CLASSES as readonly string[]).includes(storageClass ?? '');
}

/** The x-amz-restore header: `ongoing-request="true"` while restoring, `"false", expiry-date=...` once readable. */
function restoreState(header: string | undefined): FrozenObject['restore'] {
  if (!header) return 'none';
  return /ongoing-request="true"/.test(header) ? 'in-progress' : 'ready';
}

/** Every pack in a frozen storage class, with its restore state. */
export async function findFrozenPacks(client: S3Client, settings: BucketSettings): Promise<FrozenObject[]> {
  const location = bucketLocation(settings);
  const candidates: { key: string; listed: string | undefined }[] = [];
  let token: string | undefined;
  try {
    do {
      const page = await client.send(new ListObjectsV2Command({ Bucket: settings.bucket, Prefix: prefixedKey(settings.prefix, 'data/'), ContinuationToken: token }));
      for (const o of page.Contents ?? []) if (o.Key && isFrozen(o.StorageClass)) candidates.push({ key: o.Key, listed: o.StorageClass });
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  } catch (err) {
    throw s3Failure(err, 'listing the packs', location);
  }
  const out: FrozenObject[] = [];
  for (const c of candidates) {
    let head;
    try {
      head = await client.send(new HeadObjectCommand({ Bucket: settings.bucket, Key: c.key }));
    } catch (err) {
      throw s3Failure(err, `reading the storage class of ${c.key}`, location);
    }
    // HeadObject is the authority (the listing may lag a transition); it omits StorageClass for STANDARD.
    const storageClass = head.StorageClass ?? 'STANDARD';
    if (isFrozen(storageClass)) out.push({ key: c.key, storageClass, restore: restoreState(head.Restore) });
  }
  return out;
}

/** Asks S3 to restore each frozen pack that has no restore yet; returns how many requests were sent. */
export async function requestThaw(client: S3Client, settings: BucketSettings, frozen: FrozenObject[]): Promise<number> {
  let sent = 0;
  for (const f of frozen) {
    if (f.restore !== 'none') continue;
    try {
      await client.send(new RestoreObjectCommand({
        Bucket: settings.bucket, Key: f.key, RestoreRequest: { Days: THAW_DAYS, GlacierJobParameters: { Tier: 'Standard' } },
      }));
    } catch (err) {
      // Another restore of the same object already running is fine: it will be ready just the same.
      if (s3ErrorName(err) !== 'RestoreAlreadyInProgress') throw s3Failure(err, `requesting a restore of ${f.key}`, bucketLocation(settings));
    }
    sent++;
  }
  return sent;
}

function clock(d: Date): string {
  return d.toISOString().slice(0, 16).replace('T', ' ') + ' UTC';
}

/** The one line a user sees when frozen packs stand in the way. */
export function thawMessage(settings: BucketSettings, frozen: FrozenObject[], requested: boolean, now: Date): string {
  const waiting = frozen.filter((f) => f.restore !== 'ready');
  const deep = waiting.some((f) => f.storageClass === 'DEEP_ARCHIVE');
  const hours = deep ? THAW_HOURS.DEEP_ARCHIVE : THAW_HOURS.GLACIER;
  const classes = deep ? (waiting.some((f) => f.storageClass === 'GLACIER') ? 'Glacier and Deep Archive' : 'Deep Archive') : 'Glacier';
  const span = hours.min === hours.max ? `${hours.max} h` : `${hours.min}-${hours.max} h`;
  const what = `${waiting.length} pack(s) in ${bucketLocation(settings)} are in ${classes}`;
  if (!requested) {
    return `${what} and cannot be read yet: run again with --request-thaw to ask S3 to restore them (standard retrieval takes ${span})`;
  }
  const ready = new Date(now.getTime() + hours.max * 3_600_000);
  return `${what}: restore requested (standard retrieval, ${span}); the data should be readable by ${clock(ready)} for ${THAW_DAYS} days: run the same command again then`;
}

/**
 * Throws a BackupError with the thaw line when any pack is frozen and not yet
 * restored; with `request`, first asks S3 to restore them.
 */
export async function ensureThawed(client: S3Client, settings: BucketSettings, options: { request: boolean; now: Date }): Promise<void> {
  const frozen = await findFrozenPacks(client, settings);
  if (frozen.every((f) => f.restore === 'ready')) return;
  if (options.request) await requestThaw(client, settings, frozen);
  throw new BackupError('transient', thawMessage(settings, frozen, options.request, options.now));
}
