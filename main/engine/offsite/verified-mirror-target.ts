/**
 * The mirror target of an offsite copy: a LocalBackend on the drive whose
 * every write is proven before the mirror moves on. LocalBackend.save already
 * writes a temp file, fsyncs it, renames it and fsyncs the folder; here the
 * file is then read back and checked: restic's files by their name (the
 * SHA-256 of the stored bytes), config and our own files (wal, oplog, whose
 * names are not hashes) byte for byte against what was sent.
 *
 * The read-back may be answered from the page cache rather than the medium
 * (Node has no O_DIRECT); it still catches a short write, a wrong file and a
 * file system that mangles names or content (vfat quirks).
 */
import { createHash } from 'node:crypto';
import type { FileHandle } from '../backends/backend.ts';
import type { LocalBackend } from '../backends/local-backend.ts';
import { isExtensionType } from '../backends/repository-layout.ts';
import { BackendMirrorTarget } from '../cloud/backend-mirror-target.ts';
import type { PutOptions } from '../cloud/mirror-target.ts';
import { BackupError } from '../errors.ts';

export class VerifiedMirrorTarget extends BackendMirrorTarget {
  /** Files written and proven by this target. */
  verified = 0;

  constructor(private readonly drive: LocalBackend) {
    super(drive);
  }

  override async put(handle: FileHandle, data: Uint8Array, options: PutOptions): Promise<void> {
    await super.put(handle, data, options);
    const back = await this.drive.load(handle);
    const what = handle.type === 'config' ? `the config` : `${handle.type} file ${handle.name.slice(0, 12)}`;
    const byName = handle.type !== 'config' && !isExtensionType(handle.type);
    const ok = byName
      ? createHash('sha256').update(back).digest('hex') === handle.name
      : Buffer.compare(back, Buffer.from(data.buffer, data.byteOffset, data.byteLength)) === 0;
    if (!ok) {
      // Leave no wrong file under a right name: the next copy writes it again.
      await this.drive.remove(handle).catch((err: unknown) => {
        throw new BackupError('fatal', `${what} read back from ${this.drive.location()} differs from what was written, and removing it failed (${(err as Error).message}): the drive may be failing, use another one`);
      });
      throw new BackupError('fatal', `${what} read back from ${this.drive.location()} differs from what was written: the drive may be failing, use another one`);
    }
    this.verified += 1;
  }
}
