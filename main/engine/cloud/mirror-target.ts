/**
 * Where a mirror writes: a bucket (the cloud copy, the replica bucket) or an
 * offsite drive (backend-mirror-target.ts). Narrower than a Backend because a
 * mirror only lists, uploads and (after retention's prune) deletes, and wider
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
  /** Object tags (x-amz-tagging), which lifecycle rules can filter on; ignored by non-bucket targets. */
  tags?: Record<string, string>;
  /** An Object Lock retention of this object instead of the bucket default; ignored by non-bucket targets. */
  retention?: ObjectRetention;
}

export interface ObjectRetention {
  mode: 'GOVERNANCE' | 'COMPLIANCE';
  until: Date;
}

export interface MirrorTarget {
  /** Human-readable location (bucket and endpoint), never containing secrets. */
  location(): string;
  list(type: FileType): Promise<FileInfo[]>;
  /** Uploads a whole file; the object appears only when complete (multipart for large files). */
  put(handle: FileHandle, data: Uint8Array, options: PutOptions): Promise<void>;
  /** Deletes a file; 'not-found' when it is already gone. Callers check retainedUntil first. */
  remove(handle: FileHandle): Promise<void>;
  /**
   * When the copy may be deleted at the earliest: an Object Lock retain-until
   * date, or a far-future date under a legal hold; null when nothing holds it.
   */
  retainedUntil(handle: FileHandle): Promise<Date | null>;
  close(): Promise<void>;
}
