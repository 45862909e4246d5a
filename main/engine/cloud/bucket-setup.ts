/**
 * `cloud setup`: versioning, lifecycle transitions, default encryption, Object
 * Lock default retention (where the bucket allows it) and cross-region
 * replication, each reported as its own step so one refusal (say, no right to
 * configure replication) does not hide what did get set up.
 */
import {
  GetObjectLockConfigurationCommand, PutBucketEncryptionCommand, PutBucketLifecycleConfigurationCommand,
  PutBucketReplicationCommand, PutBucketVersioningCommand, PutObjectLockConfigurationCommand, type S3Client,
} from '@aws-sdk/client-s3';
import { lifecycleRules } from './bucket-lifecycle.ts';
import { bucketLocation, prefixedKey, type BucketSettings } from './bucket-settings.ts';
import { s3ErrorName, s3Failure } from './s3-failure.ts';

export type SetupStepName = 'versioning' | 'lifecycle' | 'encryption' | 'object-lock' | 'replication';

export interface SetupStep {
  step: SetupStepName;
  /** done: configured now; skipped: not wanted by the config; unavailable: wanted but impossible on this bucket; failed: S3 refused. */
  state: 'done' | 'skipped' | 'unavailable' | 'failed';
  detail: string;
}

export interface BucketSetupReport {
  bucket: string;
  location: string;
  steps: SetupStep[];
  ok: boolean;
}

export const REPLICATION_RULE_ID = 'quantai-replica';

async function step(name: SetupStepName, action: string, location: string, run: () => Promise<SetupStep>): Promise<SetupStep> {
  try {
    return await run();
  } catch (err) {
    return { step: name, state: 'failed', detail: s3Failure(err, action, location).message };
  }
}

function versioning(client: S3Client, s: BucketSettings): Promise<SetupStep> {
  return step('versioning', 'enabling versioning', bucketLocation(s), async () => {
    await client.send(new PutBucketVersioningCommand({ Bucket: s.bucket, VersioningConfiguration: { Status: 'Enabled' } }));
    return { step: 'versioning', state: 'done', detail: 'versioning enabled' };
  });
}

function lifecycle(client: S3Client, s: BucketSettings): Promise<SetupStep> {
  return step('lifecycle', 'setting the lifecycle rules', bucketLocation(s), async () => {
    await client.send(new PutBucketLifecycleConfigurationCommand({ Bucket: s.bucket, LifecycleConfiguration: { Rules: lifecycleRules(s.prefix) } }));
    return {
      step: 'lifecycle', state: 'done',
      detail: `${prefixedKey(s.prefix, 'data/')}: Standard-IA at 30 days; data-blob packs Glacier at 90, Deep Archive at 365; tree packs, config, keys, index and snapshots never frozen`,
    };
  });
}

function encryption(client: S3Client, s: BucketSettings): Promise<SetupStep> {
  const sse = s.sse ?? { mode: 'AES256' as const };
  return step('encryption', 'setting default encryption', bucketLocation(s), async () => {
    const rule = sse.mode === 'aws:kms'
      ? { ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms' as const, ...(sse.kmsKeyId ? { KMSMasterKeyID: sse.kmsKeyId } : {}) }, BucketKeyEnabled: true }
      : { ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' as const } };
    await client.send(new PutBucketEncryptionCommand({ Bucket: s.bucket, ServerSideEncryptionConfiguration: { Rules: [rule] } }));
    return { step: 'encryption', state: 'done', detail: `default encryption ${sse.mode}${sse.mode === 'aws:kms' && sse.kmsKeyId ? ` (key ${sse.kmsKeyId})` : ''}` };
  });
}

/** Object Lock can only be turned on when a bucket is created: ask first, so the answer names the real cause. */
async function objectLockEnabled(client: S3Client, bucket: string): Promise<boolean> {
  try {
    const r = await client.send(new GetObjectLockConfigurationCommand({ Bucket: bucket }));
    return r.ObjectLockConfiguration?.ObjectLockEnabled === 'Enabled';
  } catch (err) {
    if (s3ErrorName(err) === 'ObjectLockConfigurationNotFoundError') return false;
    throw err;
  }
}

function objectLock(client: S3Client, s: BucketSettings): Promise<SetupStep> {
  const lock = s.objectLock;
  if (!lock) return Promise.resolve({ step: 'object-lock', state: 'skipped', detail: 'no objectLock in the cloud config' });
  return step('object-lock', 'setting the Object Lock retention', bucketLocation(s), async () => {
    if (!(await objectLockEnabled(client, s.bucket))) {
      return {
        step: 'object-lock', state: 'unavailable',
        detail: `bucket ${s.bucket} was created without Object Lock, which cannot be turned on later: create a bucket with Object Lock enabled and point the cloud config at it`,
      };
    }
    await client.send(new PutObjectLockConfigurationCommand({
      Bucket: s.bucket,
      ObjectLockConfiguration: { ObjectLockEnabled: 'Enabled', Rule: { DefaultRetention: { Mode: lock.mode, Years: lock.years } } },
    }));
    return { step: 'object-lock', state: 'done', detail: `default retention ${lock.mode} ${lock.years} years` };
  });
}

function replication(client: S3Client, s: BucketSettings): Promise<SetupStep> {
  const replica = s.replica;
  if (!replica) return Promise.resolve({ step: 'replication', state: 'skipped', detail: 'no replica in the cloud config' });
  if (replica.mode === 'mirror') {
    return Promise.resolve({ step: 'replication', state: 'skipped', detail: `replica ${replica.bucket} is kept by the cloud job mirroring a second time (mode 'mirror')` });
  }
  if (!replica.roleArn) {
    return Promise.resolve({
      step: 'replication', state: 'unavailable',
      detail: "cross-region replication needs an IAM role: set cloud.replica.roleArn, or use replica mode 'mirror'",
    });
  }
  const roleArn = replica.roleArn;
  return step('replication', 'configuring replication', bucketLocation(s), async () => {
    await client.send(new PutBucketReplicationCommand({
      Bucket: s.bucket,
      ReplicationConfiguration: {
        Role: roleArn,
        Rules: [{
          ID: REPLICATION_RULE_ID,
          Status: 'Enabled',
          Priority: 1,
          Filter: { Prefix: prefixedKey(s.prefix, '') },
          // Deletions are decided by retention here, never propagated blindly to the copy.
          DeleteMarkerReplication: { Status: 'Disabled' },
          Destination: { Bucket: `arn:aws:s3:::${replica.bucket}` },
        }],
      },
    }));
    return { step: 'replication', state: 'done', detail: `replicating to ${replica.bucket} (${replica.region})` };
  });
}

/** Runs every step in order (versioning first: lock and replication require it). */
export async function setupBucket(client: S3Client, settings: BucketSettings): Promise<BucketSetupReport> {
  const steps: SetupStep[] = [];
  for (const run of [versioning, lifecycle, encryption, objectLock, replication]) steps.push(await run(client, settings));
  return {
    bucket: settings.bucket,
    location: bucketLocation(settings),
    steps,
    ok: steps.every((s) => s.state === 'done' || s.state === 'skipped'),
  };
}
