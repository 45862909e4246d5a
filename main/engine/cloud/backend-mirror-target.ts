/**
 * A MirrorTarget over any Backend: how the mirror writes to an offsite drive
 * (a LocalBackend on the drive's mount). Metadata and the upload cap are
 * bucket matters and are ignored here; nothing on a plain file system is
 * under Object Lock, so retainedUntil is always null.
 */
import type { Backend, FileHandle, FileInfo, FileType } from '../backends/backend.ts';
import type { MirrorTarget, PutOptions } from './mirror-target.ts';

export class BackendMirrorTarget implements MirrorTarget {
  constructor(private readonly backend: Backend) {}

  location(): string {
    return this.backend.location();
  }

  list(type: FileType): Promise<FileInfo[]> {
    return this.backend.list(type);
  }

  async put(handle: FileHandle, data: Uint8Array, options: PutOptions): Promise<void> {
    options.signal?.throwIfAborted();
    await this.backend.save(handle, data);
    options.onBytes?.(data.length);
  }

  remove(handle: FileHandle): Promise<void> {
    return this.backend.remove(handle);
  }

  async retainedUntil(): Promise<Date | null> {
    return null;
  }

  close(): Promise<void> {
    return this.backend.close();
  }
}
