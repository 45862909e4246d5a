/**
 * What a mirror run must upload, in the order that keeps the bucket readable
 * at every instant: config and keys, then packs, then indexes, then snapshots,
 * then our own replication segments and operations log.
 * A snapshot is never uploaded before the packs and index it needs, so an
 * interrupted mirror leaves extra data in the bucket, never a dangling snapshot.
 */
import type { FileInfo, FileType } from '../backends/backend.ts';

/**
 * Upload phases in order; locks are never mirrored (they belong to the local
 * repository). Our own files (replication segments, the operations log) go
 * last: a segment extends a snapshot, so it follows the snapshots.
 */
export const MIRROR_PHASES: readonly (readonly FileType[])[] = [['config', 'key'], ['data'], ['index'], ['snapshot'], ['wal', 'oplog']];

export const MIRRORED_TYPES: readonly FileType[] = MIRROR_PHASES.flat();

export interface PlannedUpload {
  type: FileType;
  name: string;
  size: number;
}

export type Listing = ReadonlyMap<FileType, readonly FileInfo[]>;

export interface MirrorPlan {
  /** One list per phase; a phase starts only after the previous one finished. */
  phases: PlannedUpload[][];
  /** Files already in the bucket with the right size. */
  present: number;
  presentBytes: number;
  /** Objects in the bucket whose size differs from the local file (an upload cut short by a non-atomic store): re-sent. */
  mismatched: PlannedUpload[];
}

/**
 * Compares names and sizes only: repository files are content-addressed and
 * never change, so an object with the right name and size is the finished file.
 */
export function planMirror(source: Listing, target: Listing): MirrorPlan {
  const plan: MirrorPlan = { phases: [], present: 0, presentBytes: 0, mismatched: [] };
  for (const types of MIRROR_PHASES) {
    const phase: PlannedUpload[] = [];
    for (const type of types) {
      const remote = new Map((target.get(type) ?? []).map((f) => [f.name, f.size]));
      for (const file of source.get(type) ?? []) {
        const size = remote.get(file.name);
        const upload = { type, name: file.name, size: file.size };
        if (size === file.size) {
          plan.present += 1;
          plan.presentBytes += file.size;
          continue;
        }
        if (size !== undefined) plan.mismatched.push(upload);
        phase.push(upload);
      }
    }
    plan.phases.push(phase);
  }
  return plan;
}
