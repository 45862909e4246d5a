/**
 * A repository in an S3 bucket (AWS or an S3-compatible store), under a key
 * prefix, in the same layout as restic's S3 backend: config, keys/, locks/,
 * snapshots/, index/, data/<2 hex>/. Downloading the prefix into a folder gives
 * a repository plain restic can open.
 *
 * S3 makes a PutObject visible whole or not at all, so saves are atomic
 * without temp names. DeleteObject succeeds on missing keys, so remove() looks
 * first to report 'not-found' as the Backend contract asks.
 */
import { createHash } from 'node:crypto';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  type PutObjectCommandInput,
  type S3Client,
  type StorageClass,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import type { CloudConfig } from '../config/cloud-schema.ts';
import { BackupError } from '../errors.ts';
import type { Logger } from '../logger.ts';
import type { SecretSource } from '../secrets/password-source.ts';
import type { Backend, FileHandle, FileInfo, FileType } from './backend.ts';
import { RetryBackend, type RetryOptions } from './retry-backend.ts';
import { createS3Client, describeEndpoint, type S3ClientTuning } from './s3-client.ts';
import { isFileNameOf, isRepositoryFileName, relativePath, typeFolder } from './repository-layout.ts';
import { classifyS3Error, isInvalidRange, type S3Place } from './s3-errors.ts';

const MIB = 1024 * 1024;

export interface S3BackendOptions {
  client: S3Client;
  bucket: string;
  /** Key prefix without leading or trailing slash; '' for the bucket root. */
  prefix: string;
  /** For messages only. */
  endpoint: string;
  sse?: CloudConfig['sse'];
  storageClass?: StorageClass;
  /** User metadata put on every object (e.g. host); 'size' is added per object. */
  metadata?: Record<string, string>;
  /** Files larger than this are sent as multipart uploads (default 64 MiB). */
  multipartThresholdBytes?: number;
  /** Part size of multipart uploads (default 16 MiB; S3's minimum is 5 MiB). */
  partSizeBytes?: number;
  /** Destroy the client on close() (true when the backend built it). */
  ownsClient?: boolean;
}

export class S3Backend implements Backend {
  readonly bucket: string;
  readonly prefix: string;
  private readonly client: S3Client;
  private readonly place: S3Place;
  private readonly options: S3BackendOptions;
  private bucketChecked = false;

  constructor(options: S3BackendOptions) {
    this.options = options;
    this.client = options.client;
    this.bucket = options.bucket;
    this.prefix = options.prefix.replace(/^\/+|\/+$/g, '');
    this.place = { bucket: options.bucket, endpoint: options.endpoint };
  }

  location(): string {
    return `s3:${this.place.endpoint}/${this.bucket}${this.prefix ? `/${this.prefix}` : ''}`;
  }

  /** The object key of a repository file. */
  keyOf(handle: FileHandle): string {
    return this.join(relativePath(handle));
  }

  async exists(): Promise<boolean> {
    try {
      await this.stat({ type: 'config', name: '' });
      return true;
    } catch (err) {
      if (err instanceof BackupError && err.kind === 'not-found') return false;
      throw err;
    }
  }

  /** Nothing to lay out in S3; checks that the bucket exists and is reachable with these credentials. */
  async create(): Promise<void> {
    await this.ensureBucket();
  }

  async save(handle: FileHandle, data: Uint8Array): Promise<void> {
    const params: PutObjectCommandInput = {
      Bucket: this.bucket,
      Key: this.keyOf(handle),
      Body: data,
      ContentType: 'application/octet-stream',
      Metadata: { ...this.options.metadata, size: String(data.length) },
      ...this.encryptionParams(),
      ...(this.options.storageClass ? { StorageClass: this.options.storageClass } : {}),
    };
    const threshold = this.options.multipartThresholdBytes ?? 64 * MIB;
    try {
      if (data.length <= threshold) {
        // Content-MD5 makes S3 refuse a body damaged on the way instead of storing it.
        const md5 = createHash('md5').update(data).digest('base64');
        await this.client.send(new PutObjectCommand({ ...params, ContentLength: data.length, ContentMD5: md5 }));
      } else {
        const upload = new Upload({
          client: this.client,
          params,
          partSize: Math.max(5 * MIB, this.options.partSizeBytes ?? 16 * MIB),
          queueSize: 4,
          leavePartsOnError: false,
        });
        await upload.done();
      }
    } catch (err) {
      throw this.classify(err, `write ${this.describe(handle)}`, true);
    }
  }

  async load(handle: FileHandle, offset = 0, length?: number): Promise<Buffer> {
    if (offset < 0 || (length !== undefined && length < 0)) {
      throw new BackupError('permanent', `invalid range offset=${offset} length=${length} for ${this.describe(handle)}`);
    }
    if (length === 0 || (length === undefined && offset > 0)) {
      // An empty range cannot be asked of S3, and "from offset to the end" must still
      // fail for a missing object and succeed (empty) at exactly the end.
      const { size } = await this.stat(handle);
      if (offset > size) throw this.tooShort(handle, size, offset, length ?? 0);
      if (length === 0 || offset === size) return Buffer.alloc(0);
    }
    const range = length === undefined ? (offset > 0 ? `bytes=${offset}-` : undefined) : `bytes=${offset}-${offset + length - 1}`;
    let body: Uint8Array;
    let contentRange: string | undefined;
    try {
      const res = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: this.keyOf(handle), ...(range ? { Range: range } : {}) }));
      if (!res.Body) throw new BackupError('transient', `S3 returned no body for ${this.describe(handle)}`);
      body = await res.Body.transformToByteArray();
      contentRange = res.ContentRange;
      if (res.ContentLength !== undefined && res.ContentLength !== body.length) {
        throw new BackupError('transient', `the download of ${this.describe(handle)} ended after ${body.length} of ${res.ContentLength} bytes`);
      }
    } catch (err) {
      if (err instanceof BackupError) throw err;
      if (isInvalidRange(err)) {
        const { size } = await this.stat(handle);
        throw this.tooShort(handle, size, offset, length ?? 0);
      }
      throw this.classify(err, `read ${this.describe(handle)}`, true);
    }
    let out = Buffer.from(body.buffer, body.byteOffset, body.byteLength);
    // A store that ignores Range sends the whole object: cut the range out ourselves.
    if (range && !contentRange) out = out.subarray(offset, length === undefined ? undefined : offset + length);
    if (length !== undefined && out.length !== length) {
      const { size } = await this.stat(handle);
      throw this.tooShort(handle, size, offset, length);
    }
    return out;
  }

  async stat(handle: FileHandle): Promise<FileInfo> {
    try {
      const res = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: this.keyOf(handle) }));
      return { name: handle.type === 'config' ? '' : handle.name, size: res.ContentLength ?? 0 };
    } catch (err) {
      const wrapped = this.classify(err, `stat ${this.describe(handle)}`, true);
      // HEAD answers a missing bucket with a bare 404 too: tell the two apart once.
      if (wrapped.kind === 'not-found') await this.ensureBucket();
      throw wrapped;
    }
  }

  async remove(handle: FileHandle): Promise<void> {
    await this.stat(handle);
    try {
      await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: this.keyOf(handle) }));
    } catch (err) {
      throw this.classify(err, `remove ${this.describe(handle)}`, true);
    }
  }

  async list(type: FileType): Promise<FileInfo[]> {
    if (type === 'config') {
      return (await this.exists()) ? [await this.stat({ type: 'config', name: '' })] : [];
    }
    const dir = typeFolder(type);
    const base = `${this.join(dir)}/`;
    const out: FileInfo[] = [];
    let token: string | undefined;
    try {
      do {
        const res = await this.client.send(new ListObjectsV2Command({ Bucket: this.bucket, Prefix: base, ContinuationToken: token }));
        for (const obj of res.Contents ?? []) {
          const name = this.nameFromKey(type, obj.Key ?? '', base);
          if (name) out.push({ name, size: obj.Size ?? 0 });
        }
        token = res.IsTruncated ? res.NextContinuationToken : undefined;
      } while (token);
    } catch (err) {
      throw this.classify(err, `list ${dir}`, false);
    }
    return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  async close(): Promise<void> {
    if (this.options.ownsClient) this.client.destroy();
  }

  private async ensureBucket(): Promise<void> {
    if (this.bucketChecked) return;
    try {
      await this.client.send(new HeadBucketCommand({ Bucket: this.bucket }));
      this.bucketChecked = true;
    } catch (err) {
      throw this.classify(err, 'open the bucket', false);
    }
  }

  private encryptionParams(): Pick<PutObjectCommandInput, 'ServerSideEncryption' | 'SSEKMSKeyId'> {
    const sse = this.options.sse;
    if (!sse) return {};
    return { ServerSideEncryption: sse.mode, ...(sse.kmsKeyId ? { SSEKMSKeyId: sse.kmsKeyId } : {}) };
  }

  /** The file name of a listed key, or null for anything that is not a repository file. */
  private nameFromKey(type: FileType, key: string, base: string): string | null {
    const rest = key.slice(base.length);
    if (type === 'data') {
      const [sub, name, extra] = rest.split('/');
      if (extra !== undefined || !name || !isRepositoryFileName(name) || sub !== name.slice(0, 2)) return null;
      return name;
    }
    return isFileNameOf(type, rest) ? rest : null;
  }

  private join(rel: string): string {
    return this.prefix ? `${this.prefix}/${rel}` : rel;
  }

  private describe(handle: FileHandle): string {
    return handle.type === 'config' ? 'the repository config' : `${handle.type} file ${handle.name.slice(0, 12)}`;
  }

  private tooShort(handle: FileHandle, size: number, offset: number, length: number): BackupError {
    return new BackupError('permanent', `${this.describe(handle)} in ${this.location()} is ${size} bytes, shorter than the requested range ${offset}+${length}: the object is damaged or truncated`);
  }

  private classify(err: unknown, action: string, objectRequest: boolean): BackupError {
    return classifyS3Error(err, { place: this.place, action, objectRequest });
  }
}

export interface CloudBackendOptions {
  /** Which bucket of the config: the primary (default) or the replica (mode 'mirror'). */
  target?: 'primary' | 'replica';
  retry?: RetryOptions;
  tuning?: S3ClientTuning;
  /** User metadata on every object, e.g. { host }. */
  metadata?: Record<string, string>;
  multipartThresholdBytes?: number;
  partSizeBytes?: number;
}

/**
 * The cloud destination as a Backend, with retries of transient errors.
 * Needs cloud.bucket (and cloud.replica for target 'replica'); whether the
 * cloud tier is enabled is the caller's decision.
 */
export async function createCloudBackend(config: CloudConfig, secrets: SecretSource, logger: Logger, options: CloudBackendOptions = {}): Promise<Backend> {
  const replica = options.target === 'replica';
  if (replica && !config.replica) {
    throw new BackupError('permanent', 'no replica bucket is configured: set cloud.replica in config.json');
  }
  const bucket = replica ? config.replica!.bucket : config.bucket;
  if (!bucket) throw new BackupError('permanent', 'no cloud bucket is configured: set cloud.bucket in config.json');
  const target = { ...config, ...(replica ? { region: config.replica!.region } : {}) };
  const client = await createS3Client(target, secrets, options.tuning);
  const s3 = new S3Backend({
    client,
    bucket,
    prefix: config.prefix,
    endpoint: describeEndpoint(target),
    sse: config.sse,
    ...(config.storageClass ? { storageClass: config.storageClass } : {}),
    ...(options.metadata ? { metadata: options.metadata } : {}),
    ...(options.multipartThresholdBytes ? { multipartThresholdBytes: options.multipartThresholdBytes } : {}),
    ...(options.partSizeBytes ? { partSizeBytes: options.partSizeBytes } : {}),
    ownsClient: true,
  });
  return new RetryBackend(s3, { ...options.retry, logger: options.retry?.logger ?? logger });
}
