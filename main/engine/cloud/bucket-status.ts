/**
 * `cloud status`: what the bucket has and lacks compared with what `cloud
 * setup` would configure. Read-only; each aspect is asked separately so one
 * refused Get* call shows as 'unknown' rather than failing the whole report.
 */
import {
  GetBucketEncryptionCommand, GetBucketLifecycleConfigurationCommand, GetBucketReplicationCommand,
  GetBucketVersioningCommand, GetObjectLockConfigurationCommand, type S3Client,
} from '@aws-sdk/client-s3';
import { DATA_TIERING_RULE_ID, DATA_TRANSITIONS } from './bucket-lifecycle.ts';
import { bucketLocation, type BucketSettings } from './bucket-settings.ts';
import { s3ErrorName, s3Failure } from './s3-failure.ts';

export type AspectName = 'versioning' | 'lifecycle' | 'encryption' | 'object-lock' | 'replication';

export interface BucketAspect {
  aspect: AspectName;
  /** ok: as wanted; missing: wanted and absent (or different); not-wanted: the config does not ask for it; unknown: S3 would not say. */
  state: 'ok' | 'missing' | 'not-wanted' | 'unknown';
  detail: string;
}

export interface BucketStatusReport {
  bucket: string;
  location: string;
  aspects: BucketAspect[];
  /** True when nothing wanted is missing or unknown. */
  ok: boolean;
}

/** Error names S3 uses for "this bucket has no such configuration". */
const ABSENT = new Set([
  'NoSuchLifecycleConfiguration', 'ServerSideEncryptionConfigurationNotFoundError',
  'ObjectLockConfigurationNotFoundError', 'ReplicationConfigurationNotFoundError',
]);

async function aspect(name: AspectName, location: string, read: () => Promise<BucketAspect>, absent: () => BucketAspect): Promise<BucketAspect> {
  try {
    return await read();
  } catch (err) {
    if (ABSENT.has(s3ErrorName(err))) return absent();
    return { aspect: name, state: 'unknown', detail: s3Failure(err, `reading the ${name} settings`, location).message };
  }
}

function versioning(client: S3Client, s: BucketSettings, location: string): Promise<BucketAspect> {
  return aspect('versioning', location, async () => {
    const r = await client.send(new GetBucketVersioningCommand({ Bucket: s.bucket }));
    return r.Status === 'Enabled'
      ? { aspect: 'versioning', state: 'ok', detail: 'enabled' }
      : { aspect: 'versioning', state: 'missing', detail: r.Status ? `versioning is ${r.Status.toLowerCase()}` : 'versioning was never enabled' };
  }, () => ({ aspect: 'versioning', state: 'missing', detail: 'versioning was never enabled' }));
}

function lifecycle(client: S3Client, s: BucketSettings, location: string): Promise<BucketAspect> {
  const missing = (detail: string): BucketAspect => ({ aspect: 'lifecycle', state: 'missing', detail });
  return aspect('lifecycle', location, async () => {
    const r = await client.send(new GetBucketLifecycleConfigurationCommand({ Bucket: s.bucket }));
    const rule = (r.Rules ?? []).find((x) => x.ID === DATA_TIERING_RULE_ID);
    if (!rule) return missing(`no '${DATA_TIERING_RULE_ID}' rule (${(r.Rules ?? []).length} other rule(s))`);
    if (rule.Status !== 'Enabled') return missing(`rule '${DATA_TIERING_RULE_ID}' is disabled`);
    const have = new Map((rule.Transitions ?? []).map((t) => [t.StorageClass, t.Days]));
    const lacking = DATA_TRANSITIONS.filter((t) => have.get(t.StorageClass) !== t.Days).map((t) => `${t.StorageClass} at ${t.Days} days`);
    return lacking.length > 0 ? missing(`transitions differ: lacks ${lacking.join(', ')}`) : { aspect: 'lifecycle', state: 'ok', detail: 'data/: Standard-IA 30 d, Glacier 90 d, Deep Archive 365 d' };
  }, () => missing('no lifecycle rules'));
}

function encryption(client: S3Client, s: BucketSettings, location: string): Promise<BucketAspect> {
  const wanted = s.sse?.mode ?? 'AES256';
  return aspect('encryption', location, async () => {
    const r = await client.send(new GetBucketEncryptionCommand({ Bucket: s.bucket }));
    const d = r.ServerSideEncryptionConfiguration?.Rules?.[0]?.ApplyServerSideEncryptionByDefault;
    if (!d) return { aspect: 'encryption', state: 'missing', detail: 'no default encryption' };
    const same = d.SSEAlgorithm === wanted && (wanted !== 'aws:kms' || !s.sse?.kmsKeyId || d.KMSMasterKeyID === s.sse.kmsKeyId);
    return same
      ? { aspect: 'encryption', state: 'ok', detail: `${d.SSEAlgorithm}${d.KMSMasterKeyID ? ` (key ${d.KMSMasterKeyID})` : ''}` }
      : { aspect: 'encryption', state: 'missing', detail: `default encryption is ${d.SSEAlgorithm ?? 'unset'}, the config wants ${wanted}` };
  }, () => ({ aspect: 'encryption', state: 'missing', detail: 'no default encryption' }));
}

function objectLock(client: S3Client, s: BucketSettings, location: string): Promise<BucketAspect> {
  const lock = s.objectLock;
  const absent = (): BucketAspect => lock
    ? { aspect: 'object-lock', state: 'missing', detail: `bucket was created without Object Lock; the config wants ${lock.mode} ${lock.years} years (needs a new bucket)` }
    : { aspect: 'object-lock', state: 'not-wanted', detail: 'Object Lock off' };
  return aspect('object-lock', location, async () => {
    const r = await client.send(new GetObjectLockConfigurationCommand({ Bucket: s.bucket }));
    const c = r.ObjectLockConfiguration;
    if (c?.ObjectLockEnabled !== 'Enabled') return absent();
    const retention = c.Rule?.DefaultRetention;
    const have = retention ? `${retention.Mode} ${retention.Years ?? `${retention.Days} days`}${retention.Years ? ' years' : ''}` : 'no default retention';
    if (!lock) return { aspect: 'object-lock', state: 'not-wanted', detail: `enabled on the bucket (${have})` };
    return retention?.Mode === lock.mode && retention.Years === lock.years
      ? { aspect: 'object-lock', state: 'ok', detail: have }
      : { aspect: 'object-lock', state: 'missing', detail: `the bucket has ${have}, the config wants ${lock.mode} ${lock.years} years` };
  }, absent);
}

function replication(client: S3Client, s: BucketSettings, location: string): Promise<BucketAspect> {
  const replica = s.replica;
  if (!replica || replica.mode === 'mirror') {
    return Promise.resolve({
      aspect: 'replication', state: 'not-wanted',
      detail: replica ? `replica ${replica.bucket} is kept by mirroring (mode 'mirror')` : 'no replica configured',
    });
  }
  const target = `arn:aws:s3:::${replica.bucket}`;
  return aspect('replication', location, async () => {
    const r = await client.send(new GetBucketReplicationCommand({ Bucket: s.bucket }));
    const rule = (r.ReplicationConfiguration?.Rules ?? []).find((x) => x.Destination?.Bucket === target && x.Status === 'Enabled');
    return rule
      ? { aspect: 'replication', state: 'ok', detail: `replicating to ${replica.bucket}` }
      : { aspect: 'replication', state: 'missing', detail: `no enabled rule replicating to ${replica.bucket}` };
  }, () => ({ aspect: 'replication', state: 'missing', detail: `no replication configured (wanted: ${replica.bucket})` }));
}

export async function bucketStatus(client: S3Client, settings: BucketSettings): Promise<BucketStatusReport> {
  const location = bucketLocation(settings);
  const aspects: BucketAspect[] = [];
  for (const read of [versioning, lifecycle, encryption, objectLock, replication]) aspects.push(await read(client, settings, location));
  return { bucket: settings.bucket, location, aspects, ok: aspects.every((a) => a.state === 'ok' || a.state === 'not-wanted') };
}
