/**
 * Turns what the AWS SDK throws into a BackupError with a kind the retry
 * decorator can act on and one line a user can act on. Messages name the
 * bucket and endpoint, never a key or secret.
 */
import { BackupError, type ErrorKind } from '../errors.ts';

/** Where a request went, for messages. */
export interface S3Place {
  bucket: string;
  /** The endpoint URL, or a description of AWS's default one. */
  endpoint: string;
}

interface SdkErrorShape {
  name?: string;
  code?: string;
  message?: string;
  $fault?: 'client' | 'server';
  $metadata?: { httpStatusCode?: number };
  $retryable?: unknown;
}

// Codes S3 documents as "try again later".
const THROTTLING = new Set(['SlowDown', 'Throttling', 'ThrottlingException', 'RequestLimitExceeded', 'TooManyRequests', 'RequestThrottled']);
const TRANSIENT_CODES = new Set(['RequestTimeout', 'RequestTimeoutException', 'InternalError', 'ServiceUnavailable', 'TimeoutError', 'OperationAborted']);
// Socket-level failures: the request may not have reached S3 at all.
const NETWORK_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'ECONNABORTED', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ENETDOWN', 'UND_ERR_SOCKET']);
const CREDENTIAL_CODES = new Set(['InvalidAccessKeyId', 'SignatureDoesNotMatch', 'ExpiredToken', 'InvalidToken', 'TokenRefreshRequired', 'AuthorizationHeaderMalformed']);
const NO_SUCH_KEY = new Set(['NoSuchKey', 'NotFound']);

function shapeOf(err: unknown): SdkErrorShape {
  return typeof err === 'object' && err !== null ? (err as SdkErrorShape) : { message: String(err) };
}

/** The errno-like code of a network failure, looking through causes the SDK wraps. */
function networkCode(err: unknown): string | undefined {
  let current: unknown = err;
  for (let depth = 0; depth < 4 && typeof current === 'object' && current !== null; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && NETWORK_CODES.has(code)) return code;
    const message = (current as { message?: unknown }).message;
    if (typeof message === 'string' && /socket hang up/i.test(message)) return 'ECONNRESET';
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/** True for S3's answer to a range that starts past the end of an object. */
export function isInvalidRange(err: unknown): boolean {
  const e = shapeOf(err);
  return e.name === 'InvalidRange' || e.$metadata?.httpStatusCode === 416;
}

export interface ClassifyContext {
  place: S3Place;
  /** What we tried, e.g. "read data file 1a2b3c4d5e6f". */
  action: string;
  /** True when the request named an object (a 404 then means the object is missing). */
  objectRequest: boolean;
}

export function classifyS3Error(err: unknown, ctx: ClassifyContext): BackupError {
  if (err instanceof BackupError) return err;
  const e = shapeOf(err);
  const code = e.name ?? e.code ?? 'Error';
  const status = e.$metadata?.httpStatusCode;
  const where = `bucket ${ctx.place.bucket} at ${ctx.place.endpoint}`;
  const make = (kind: ErrorKind, text: string): BackupError => new BackupError(kind, text, { cause: err });

  if (code === 'CredentialsProviderError' || /Could not load credentials/i.test(e.message ?? '')) {
    return make('permanent', `no S3 credentials for ${where}: set the secrets s3-access-key-id and s3-secret-access-key, or configure the AWS credential chain (AWS_PROFILE, ~/.aws, SSO)`);
  }
  if (ctx.objectRequest && code !== 'NoSuchBucket' && (NO_SUCH_KEY.has(code) || status === 404)) {
    return make('not-found', `cannot ${ctx.action} in ${where}: it does not exist`);
  }
  if (code === 'NoSuchBucket' || NO_SUCH_KEY.has(code) || status === 404) {
    // A 404 on a bucket-level request (HEAD answers without the NoSuchBucket body).
    return make('permanent', `the S3 bucket ${ctx.place.bucket} does not exist at ${ctx.place.endpoint}: create it (quantai-backup cloud setup) or fix cloud.bucket`);
  }
  if (CREDENTIAL_CODES.has(code)) {
    return make('permanent', `S3 rejected the credentials for ${where} (${code}): check s3-access-key-id / s3-secret-access-key or the AWS profile`);
  }
  if (code === 'AccessDenied' || code === 'Forbidden' || status === 403) {
    return make('permanent', `access denied to ${where} while trying to ${ctx.action} (${code}): check the credentials and the bucket policy`);
  }
  if (code === 'InvalidRange' || status === 416) {
    return make('permanent', `cannot ${ctx.action} in ${where}: the requested range lies past the end of the object, which is damaged or truncated`);
  }
  if (THROTTLING.has(code) || status === 429 || status === 503) {
    return make('transient', `S3 asks us to slow down (${code}) while trying to ${ctx.action} in ${where}`);
  }
  if (TRANSIENT_CODES.has(code) || e.$fault === 'server' || (status !== undefined && status >= 500)) {
    return make('transient', `S3 server error (${code}${status ? ` ${status}` : ''}) while trying to ${ctx.action} in ${where}`);
  }
  const net = networkCode(err);
  if (net) {
    return make('transient', `cannot reach the S3 endpoint ${ctx.place.endpoint} for bucket ${ctx.place.bucket} (${net}): is the endpoint right and the network up?`);
  }
  const detail = (e.message ?? '').split('\n')[0] ?? '';
  return make('permanent', `cannot ${ctx.action} in ${where} (${code}${detail && detail !== code ? `: ${detail}` : ''})`);
}
