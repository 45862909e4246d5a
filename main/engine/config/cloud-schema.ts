/**
 * The `cloud` section of config.json: the S3 bucket the repository is mirrored
 * to. Keys are never here: they come from the secrets 's3-access-key-id' and
 * 's3-secret-access-key', or else from the standard AWS credential chain.
 * Strict: unknown keys are errors. Disabled by default, so an empty section is valid.
 */
import { z } from 'zod';

// S3's bucket naming rules (lowercase, digits, dots, hyphens; 3-63 characters).
const bucketName = z
  .string()
  .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'must be an S3 bucket name: 3-63 lowercase letters, digits, dots or hyphens');

const region = z.string().regex(/^[a-z0-9-]+$/, 'must be an AWS region such as eu-west-1');

/**
 * Classes an object may be written in. Glacier Flexible Retrieval and Deep
 * Archive are reached only through lifecycle rules: writing there directly
 * would make every check and restore wait hours for a thaw.
 */
export const UPLOAD_STORAGE_CLASSES = ['STANDARD', 'STANDARD_IA', 'INTELLIGENT_TIERING', 'ONEZONE_IA', 'GLACIER_IR'] as const;

const sseSchema = z
  .object({
    mode: z.enum(['AES256', 'aws:kms']).default('AES256'),
    /** KMS key id or ARN; without one, aws:kms uses the account's default S3 key. */
    kmsKeyId: z.string().min(1).optional(),
  })
  .strict()
  .refine((s) => s.mode === 'aws:kms' || s.kmsKeyId === undefined, {
    message: 'kmsKeyId is only used with mode "aws:kms"',
    path: ['kmsKeyId'],
  });

const replicaSchema = z
  .object({
    bucket: bucketName,
    region,
    /** 'crr': S3 cross-region replication does the copy; 'mirror': we upload to the replica ourselves. */
    mode: z.enum(['crr', 'mirror']).default('crr'),
    /** IAM role S3 assumes to copy objects (mode 'crr' only): arn:aws:iam::<account>:role/<name>. */
    roleArn: z.string().regex(/^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/, 'must be an IAM role ARN such as arn:aws:iam::123456789012:role/s3-replication').optional(),
  })
  .strict()
  .refine((r) => r.mode === 'crr' || r.roleArn === undefined, {
    message: "roleArn is only used with mode 'crr' (S3 replicates); mode 'mirror' uploads with the cloud keys",
    path: ['roleArn'],
  });

const objectLockSchema = z
  .object({
    mode: z.enum(['GOVERNANCE', 'COMPLIANCE']),
    /** Default retention; 7 years for audit trails and trade records. */
    years: z.number().int().min(1).max(100).default(7),
  })
  .strict();

export const cloudSchema = z
  .object({
    enabled: z.boolean().default(false),
    bucket: bucketName.optional(),
    /** Folder inside the bucket holding the repository; '' for the bucket root. */
    prefix: z
      .string()
      .default('quantai-backup')
      .transform((p) => p.replace(/^\/+|\/+$/g, ''))
      .refine((p) => !p.split('/').some((part) => part === '..' || part === '.'), 'must not contain "." or ".." segments'),
    region: region.default('us-east-1'),
    /** An S3-compatible endpoint (MinIO, Wasabi, Backblaze B2); omit for AWS. */
    endpoint: z.url({ protocol: /^https?$/ }).optional(),
    /** Path-style URLs (endpoint/bucket/key), which most S3-compatible stores need. */
    forcePathStyle: z.boolean().default(false),
    storageClass: z.enum(UPLOAD_STORAGE_CLASSES).optional(),
    sse: sseSchema.prefault({}),
    replica: replicaSchema.optional(),
    objectLock: objectLockSchema.optional(),
  })
  .strict()
  .refine((c) => !c.enabled || c.bucket !== undefined, {
    message: 'a bucket is required when cloud is enabled',
    path: ['bucket'],
  });

export type CloudConfig = z.infer<typeof cloudSchema>;
export type CloudConfigInput = z.input<typeof cloudSchema>;
