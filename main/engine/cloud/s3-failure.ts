/**
 * One-line, actionable messages for S3 control-plane failures (bucket set-up,
 * status, thaw). Names the bucket and the action, never credentials.
 */
import { BackupError, type ErrorKind } from '../errors.ts';

interface S3LikeError {
  name?: string;
  message?: string;
  code?: string;
  $metadata?: { httpStatusCode?: number };
}

export function s3ErrorName(err: unknown): string {
  const e = err as S3LikeError | null;
  return e?.name ?? e?.code ?? 'Error';
}

export function s3Status(err: unknown): number | undefined {
  return (err as S3LikeError | null)?.$metadata?.httpStatusCode;
}

function kindOf(err: unknown): ErrorKind {
  const name = s3ErrorName(err);
  const status = s3Status(err);
  if (name === 'NoSuchBucket' || name === 'NotFound' || name === 'NoSuchKey' || status === 404) return 'not-found';
  if (status !== undefined && (status >= 500 || status === 429)) return 'transient';
  if (['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'ENOTFOUND', 'EAI_AGAIN', 'TimeoutError'].includes(name)) return 'transient';
  return 'permanent';
}

/** Why, in words: the common causes get a hint, the rest S3's own short message. */
function reason(err: unknown): string {
  const name = s3ErrorName(err);
  if (name === 'NoSuchBucket') return 'the bucket does not exist';
  if (name === 'AccessDenied' || s3Status(err) === 403) return 'access denied (check the credentials and the IAM policy)';
  if (name === 'InvalidAccessKeyId' || name === 'SignatureDoesNotMatch') return 'the access key is not accepted (check the cloud credentials)';
  if (name === 'ECONNREFUSED' || name === 'ENOTFOUND' || name === 'EAI_AGAIN') return 'the endpoint cannot be reached';
  const message = (err as S3LikeError | null)?.message?.split('\n')[0];
  return message && message !== 'UnknownError' ? `${name}: ${message}` : name;
}

export function s3Failure(err: unknown, action: string, location: string): BackupError {
  return new BackupError(kindOf(err), `cloud: ${action} on ${location} failed: ${reason(err)}`, { cause: err });
}
