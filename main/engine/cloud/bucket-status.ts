/**
 * `cloud status`: what the bucket has and lacks compared with what `cloud
 * setup` would configure. Read-only; each aspect is asked separately so one
 * refused Get* call shows as 'unknown' rather than failing the whole report.
 */
import {
  GetBucketEncryptionCommand, GetBucketLifecycleConfigurationCommand, GetBucketReplicationCommand,
  GetBucketVersioningCommand, GetObjectLockConfigurationCommand, type LifecycleRule, type S3Client, type TransitionStorageClass,
} from '@aws-sdk/client-s3';
import { ARCHIVE_TRANSITIONS, BLOB_TYPE_TAG, DATA_ARCHIVE_RULE_ID, DATA_TIERING_RULE_ID, TIERING_TRANSITIONS } from './bucket-lifecycle.ts';
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

/** Transitions of `rule` the wanted list lacks (class at days), as text. */
function lackingTransitions(rule: LifecycleRule, wanted: readonly { Days: number; StorageClass: string }[]): string[] {
  const have = new Map((rule.Transitions ?? []).map((t) => [t.StorageClass, t.Days]));
  return wanted.filter((t) => have.get(t.StorageClass as TransitionStorageClass) !== t.Days).map((t) => `${t.StorageClass} at ${t.Days} days`);
}

function lifecycle(client: S3Client, s: BucketSettings, location: string): Promise<BucketAspect> {
  const missing = (detail: string): BucketAspect => ({ aspect: 'lifecycle', state: 'missing', detail });
  return aspect('lifecycle', location, async () => {
    const r = await client.send(new GetBucketLifecycleConfigurationCommand({ Bucket: s.bucket }));
    const rules = r.Rules ?? [];
    const tiering = rules.find((x) => x.ID === DATA_TIERING_RULE_ID);
    if (!tiering) return missing(`no '${DATA_TIERING_RULE_ID}' rule (${rules.length} other rule(s))`);
    if (tiering.Status !== 'Enabled') return missing(`rule '${DATA_TIERING_RULE_ID}' is disabled`);
    // The rule of earlier versions froze every pack, tree packs too: a restore then waits hours just to read trees.
    const freezesTrees = (tiering.Transitions ?? []).some((t) => t.StorageClass === 'GLACIER' || t.StorageClass === 'DEEP_ARCHIVE');
    if (freezesTrees) return missing(`the old rule '${DATA_TIERING_RULE_ID}' moves tree packs to Glacier too (restores would wait for a thaw): run cloud setup to replace it`);
    const lacking = lackingTransitions(tiering, TIERING_TRANSITIONS);
    if (lacking.length > 0) return missing(`transitions differ: lacks ${lacking.join(', ')}`);
    const archive = rules.find((x) => x.ID === DATA_ARCHIVE_RULE_ID);
    if (!archive || archive.Status !== 'Enabled') return missing(`no enabled '${DATA_ARCHIVE_RULE_ID}' rule: data packs never reach Glacier`);
    const tags = archive.Filter?.And?.Tags ?? [];
    if (!tags.some((t) => t.Key === BLOB_TYPE_TAG && t.Value === 'data')) {
      return missing(`rule '${DATA_ARCHIVE_RULE_ID}' is not limited to packs tagged ${BLOB_TYPE_TAG}=data: run cloud setup`);
    }
    const lackingArchive = lackingTransitions(archive, ARCHIVE_TRANSITIONS);
    if (lackingArchive.length > 0) return missing(`transitions differ: lacks ${lackingArchive.join(', ')}`);
    return { aspect: 'lifecycle', state: 'ok', detail: 'data/: Standard-IA 30 d; data-blob packs Glacier 90 d, Deep Archive 365 d; tree packs stay in Standard-IA' };
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
    if (!rule) return { aspect: 'replication', state: 'missing', detail: `no enabled rule replicating to ${replica.bucket}` };
    const role = r.ReplicationConfiguration?.Role ?? 'no role';
    // S3 replicates with the role's rights: a different role than configured may lack them for our prefix.
    if (replica.roleArn && role !== replica.roleArn) {
      return { aspect: 'replication', state: 'missing', detail: `replicating to ${replica.bucket} as ${role}, the config wants ${replica.roleArn}: run cloud setup` };
    }
    return { aspect: 'replication', state: 'ok', detail: `replicating to ${replica.bucket} as ${role}` };
  }, () => ({ aspect: 'replication', state: 'missing', detail: `no replication configured (wanted: ${replica.bucket})` }));
}

export async function bucketStatus(client: S3Client, settings: BucketSettings): Promise<BucketStatusReport> {
  const location = bucketLocation(settings);
  const aspects: BucketAspect[] = [];
  for (const read of [versioning, lifecycle, encryption, objectLock, replication]) aspects.push(await read(client, settings, location));
  return { bucket: settings.bucket, location, aspects, ok: aspects.every((a) => a.state === 'ok' || a.state === 'not-wanted') };
}
