/**
 * Where a mirror writes: a bucket (S3 today, the replica bucket tomorrow).
 * Narrower than a Backend because a mirror only lists and uploads, and wider
 * because an upload carries object metadata and is paced by the upload cap.
 */
import type { FileHandle, FileInfo, FileType } from '../backends/backend.ts';
import type { UploadPacer } from './upload-pacer.ts';

export interface PutOptions {
  /** Object metadata (x-amz-meta-*): plain ASCII keys and values. */
  metadata: Record<string, string>;
  pacer?: UploadPacer;
  signal?: AbortSignal;
  /** Called as bytes leave for the bucket. */
  onBytes?: (bytes: number) => void;
}

export interface MirrorTarget {
  /** Human-readable location (bucket and endpoint), never containing secrets. */
  location(): string;
  list(type: FileType): Promise<FileInfo[]>;
  /** Uploads a whole file; the object appears only when complete (multipart for large files). */
  put(handle: FileHandle, data: Uint8Array, options: PutOptions): Promise<void>;
  close(): Promise<void>;
}
