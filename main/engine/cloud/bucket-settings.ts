/**
 * The part of the `cloud` config section that bucket set-up, status, replica
 * and thaw need. Declared structurally here so these files only depend on the
 * fields they read; the validated section (config/cloud-schema.ts) fits it.
 */
export interface BucketSettings {
  bucket: string;
  /** Key prefix of the repository inside the bucket ('' or e.g. 'quantai'). */
  prefix?: string | undefined;
  region?: string | undefined;
  endpoint?: string | undefined;
  storageClass?: string | undefined;
  sse?: { mode: 'AES256' | 'aws:kms'; kmsKeyId?: string | undefined } | undefined;
  replica?: {
    bucket: string;
    region: string;
    mode: 'crr' | 'mirror';
    /** IAM role S3 assumes to replicate (cross-region replication only). */
    roleArn?: string | undefined;
  } | undefined;
  objectLock?: { mode: 'GOVERNANCE' | 'COMPLIANCE'; years: number } | undefined;
}

/** `prefix` + `rest` with exactly one slash between them (none when the prefix is empty). */
export function prefixedKey(prefix: string | undefined, rest: string): string {
  const p = (prefix ?? '').replace(/^\/+|\/+$/g, '');
  return p ? `${p}/${rest}` : rest;
}

/** Where the repository is, for messages: never contains credentials. */
export function bucketLocation(settings: BucketSettings): string {
  const where = settings.endpoint ? ` at ${settings.endpoint}` : settings.region ? ` (${settings.region})` : '';
  return `s3://${settings.bucket}/${prefixedKey(settings.prefix, '')}${where}`;
}
