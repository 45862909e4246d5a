/**
 * Brings a local forget and prune to an offsite drive, right after a copy
 * filled it: the drive loses the snapshots, index files and packs the local
 * repository no longer has (retention/mirror-prune.ts decides what and in
 * which order; config, keys and the operations log always stay). It runs
 * under the local repository's lock, so no local prune changes the listing
 * meanwhile. A failure here never undoes the copy: the drive then holds a
 * superset of the local repository, which restic still checks clean, and the
 * next copy tries again.
 */
import type { Backend } from '../backends/backend.ts';
import type { MirrorTarget } from '../cloud/mirror-target.ts';
import { pruneMirror } from '../retention/mirror-prune.ts';
import type { MirrorPruneStep } from '../retention/mirror-prune-step.ts';

export interface DrivePruneOptions {
  now: Date;
  /** Held while deleting, e.g. `() => repository.lock()`. */
  lockSource?: () => Promise<{ release(): Promise<void> }>;
  signal?: AbortSignal;
}

export async function pruneDrive(source: Backend, drive: MirrorTarget, options: DrivePruneOptions): Promise<MirrorPruneStep> {
  try {
    const report = await pruneMirror(source, drive, {
      now: options.now,
      // One deletion at a time: on a USB drive parallel unlinks only add seeks.
      concurrency: 1,
      ...(options.lockSource ? { lockSource: options.lockSource } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    });
    return { ok: true, report };
  } catch (err) {
    // An abort is the user's stop, not a warning about the drive.
    if (options.signal?.aborted) throw err;
    const message = err instanceof Error ? err.message : String(err);
    // pruneMirror's hint names the bucket setting; a drive has none, and its own way out is below.
    const error = message.replace(/; check cloud\.prefix$/, '; if you added a key on the drive with restic, add it locally too or remove it from the drive');
    return { ok: false, error };
  }
}
