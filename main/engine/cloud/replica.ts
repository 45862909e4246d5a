/**
 * The replica bucket. With mode 'crr' S3 copies every object itself (set up by
 * `cloud setup`); with mode 'mirror' (no right to configure replication) the
 * cloud job runs its mirror a second time against the replica bucket. The
 * mirror asks replicaTargets() which extra buckets it must write.
 */
import type { BucketSettings } from './bucket-settings.ts';

/**
 * The cloud settings of every bucket the cloud job must mirror to besides the
 * main one: the replica in mode 'mirror', nothing otherwise. Everything but the
 * bucket and region (prefix, endpoint, encryption, storage class, lock) is the
 * main bucket's; the replica entry itself is dropped so it cannot recurse.
 */
export function replicaTargets<T extends BucketSettings>(cloud: T): Omit<T, 'replica'>[] {
  const replica = cloud.replica;
  if (!replica || replica.mode !== 'mirror') return [];
  const { replica: _dropped, ...rest } = cloud;
  return [{ ...rest, bucket: replica.bucket, region: replica.region }];
}
