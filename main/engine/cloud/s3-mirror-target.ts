/**
 * A MirrorTarget over S3 (or an S3-compatible store), laid out as restic's S3
 * backend expects: <prefix>/config, keys/, snapshots/, index/, data/<2 hex>/.
 * Uploads go through lib-storage's Upload (multipart above the part size, one
 * PutObject below it), carry the server-side encryption header and metadata,
 * and are paced chunk by chunk. Retries of 5xx, SlowDown, resets and timeouts
 * come from the client's retry strategy (createS3Client with maxAttempts > 1:
 * exponential backoff with jitter), which also retries each multipart part on
 * its own, so a failure late in a large pack does not resend the early parts.
 */
import { Readable } from 'node:stream';
import { DeleteObjectCommand, HeadObjectCommand, ListObjectsV2Command, type S3Client, type ServerSideEncryption, type StorageClass } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import type { FileHandle, FileInfo, FileType } from '../backends/backend.ts';
import { isFileNameOf, relativePath, typeFolder } from '../backends/repository-layout.ts';
import { classifyS3Error } from '../backends/s3-errors.ts';
import { BackupError } from '../errors.ts';
import type { MirrorTarget, PutOptions } from './mirror-target.ts';

/** Chunk size of the paced stream: small enough that the cap is smooth, large enough to be cheap. */
const PACE_CHUNK = 256 * 1024;

export interface S3TargetOptions {
  /** A client from createS3Client (credentials, endpoint, path style, timeouts, retry attempts). */
  client: S3Client;
  bucket: string;
  prefix: string;
  /** The endpoint for messages (describeEndpoint). */
  endpoint: string;
  storageClass?: string;
  sse?: { mode: 'AES256' | 'aws:kms'; kmsKeyId?: string | undefined };
  /** Multipart part size; 8 MiB unless set (S3's minimum is 5 MiB). */
  partSize?: number;
}

export class S3MirrorTarget implements MirrorTarget {
  private readonly client: S3Client;
  private readonly options: S3TargetOptions;
  private readonly prefix: string;

  constructor(options: S3TargetOptions) {
    this.options = options;
    this.client = options.client;
    this.prefix = options.prefix.replace(/^\/+|\/+$/g, '');
  }

  location(): string {
    return `s3://${this.options.bucket}/${this.prefix} at ${this.options.endpoint}`;
  }

  keyOf(handle: FileHandle): string {
    return `${this.prefix ? `${this.prefix}/` : ''}${relativePath(handle)}`;
  }

  async list(type: FileType): Promise<FileInfo[]> {
    const base = this.prefix ? `${this.prefix}/` : '';
    const prefix = type === 'config' ? `${base}config` : `${base}${typeFolder(type)}/`;
    const out: FileInfo[] = [];
    let token: string | undefined;
    try {
      do {
        const page = await this.client.send(new ListObjectsV2Command({ Bucket: this.options.bucket, Prefix: prefix, ContinuationToken: token }));
        for (const obj of page.Contents ?? []) {
          const key = obj.Key ?? '';
          if (type === 'config') {
            if (key === prefix) out.push({ name: '', size: obj.Size ?? 0 });
            continue;
          }
          const name = key.slice(key.lastIndexOf('/') + 1);
          if (isFileNameOf(type, name) && key === `${prefix}${type === 'data' ? `${name.slice(0, 2)}/` : ''}${name}`) out.push({ name, size: obj.Size ?? 0 });
        }
        token = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (token);
    } catch (err) {
      throw this.wrap(err, `list ${typeFolder(type)} in`);
    }
    return out;
  }

  async put(handle: FileHandle, data: Uint8Array, options: PutOptions): Promise<void> {
    const key = this.keyOf(handle);
    const partSize = this.options.partSize ?? 8 * 1024 * 1024;
    const sse = this.options.sse;
    // Checked per file: a cap that starts during a file (a blackout at 09:30) applies from the next one.
    const paced = options.pacer?.capped() ?? false;
    const upload = new Upload({
      client: this.client,
      partSize,
      queueSize: 2,
      // A failed multipart upload is aborted so no invisible parts are billed; the next run sends the file again.
      leavePartsOnError: false,
      params: {
        Bucket: this.options.bucket,
        Key: key,
        // Unpaced uploads hand the buffer over whole: lib-storage slices it without copying through a stream.
        Body: paced ? pacedStream(data, options) : data,
        ContentLength: data.length,
        ContentType: 'application/octet-stream',
        Metadata: options.metadata,
        ...(sse ? { ServerSideEncryption: sse.mode as ServerSideEncryption } : {}),
        ...(sse?.mode === 'aws:kms' && sse.kmsKeyId ? { SSEKMSKeyId: sse.kmsKeyId } : {}),
        ...(this.options.storageClass ? { StorageClass: this.options.storageClass as StorageClass } : {}),
        // On a multipart upload the tags ride on CreateMultipartUpload, so the object never exists untagged.
        ...(options.tags && Object.keys(options.tags).length > 0 ? { Tagging: new URLSearchParams(options.tags).toString() } : {}),
        ...(options.retention ? {
          ObjectLockMode: options.retention.mode,
          ObjectLockRetainUntilDate: options.retention.until,
          // S3 refuses an upload with a retention period unless it carries a body checksum.
          ChecksumAlgorithm: 'CRC32' as const,
        } : {}),
      },
    });
    const onAbort = (): void => {
      void upload.abort();
    };
    options.signal?.addEventListener('abort', onAbort, { once: true });
    try {
      await upload.done();
      if (!paced) options.onBytes?.(data.length);
    } catch (err) {
      throw this.wrap(err, 'upload', handle);
    } finally {
      options.signal?.removeEventListener('abort', onAbort);
    }
  }

  async remove(handle: FileHandle): Promise<void> {
    // S3 answers 204 for a missing key too: look first so 'not-found' means what it says.
    await this.head(handle);
    try {
      await this.client.send(new DeleteObjectCommand({ Bucket: this.options.bucket, Key: this.keyOf(handle) }));
    } catch (err) {
      throw this.wrap(err, 'delete', handle);
    }
  }

  async retainedUntil(handle: FileHandle): Promise<Date | null> {
    const head = await this.head(handle);
    if (head.ObjectLockLegalHoldStatus === 'ON') return new Date(8.64e15);
    return head.ObjectLockRetainUntilDate ?? null;
  }

  private async head(handle: FileHandle) {
    try {
      return await this.client.send(new HeadObjectCommand({ Bucket: this.options.bucket, Key: this.keyOf(handle) }));
    } catch (err) {
      throw classifyS3Error(err, {
        place: { bucket: this.options.bucket, endpoint: this.options.endpoint },
        action: `look up ${handle.type} file ${handle.name.slice(0, 12) || 'config'}`,
        objectRequest: true,
      });
    }
  }

  async close(): Promise<void> {
    this.client.destroy();
  }

  private wrap(err: unknown, action: string, handle?: FileHandle): BackupError {
    const what = handle ? `${action} ${handle.type} file ${handle.name.slice(0, 12) || 'config'}` : action;
    return classifyS3Error(err, { place: { bucket: this.options.bucket, endpoint: this.options.endpoint }, action: what, objectRequest: false });
  }
}

/** The file as a stream of chunks, each paced by the upload cap before it leaves. */
function pacedStream(data: Uint8Array, options: PutOptions): Readable {
  let offset = 0;
  return new Readable({
    highWaterMark: PACE_CHUNK,
    read() {
      if (offset >= data.length) {
        this.push(null);
        return;
      }
      const chunk = data.subarray(offset, Math.min(data.length, offset + PACE_CHUNK));
      offset += chunk.length;
      const send = (): void => {
        options.onBytes?.(chunk.length);
        this.push(chunk);
      };
      if (!options.pacer) {
        send();
        return;
      }
      options.pacer.pace(chunk.length, options.signal).then(send, (err: unknown) => this.destroy(err as Error));
    },
  });
}
