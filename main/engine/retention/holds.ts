/**
 * Legal holds: a snapshot, a time range or a whole data class that must not be
 * forgotten whatever the retention policy says (SEC 17a-4 / FINRA inquiries,
 * litigation). Pure: the catalog side is hold-store.ts.
 */
import { BackupError } from '../errors.ts';

export type HoldScope =
  | { type: 'snapshot'; snapshotId: string }
  /** Snapshots taken from `from` to `to`, both included (ISO 8601 UTC). */
  | { type: 'range'; from: string; to: string }
  | { type: 'class'; className: string };

export interface Hold {
  id: number;
  createdAt: string;
  reason: string;
  scope: HoldScope;
  createdBy: string;
  releasedAt: string | null;
  releaseReason: string | null;
  releasedBy: string | null;
}

/** What a hold looks at: the snapshot's full id, its time and its data class (null: unclassified). */
export interface HoldableSnapshot {
  id: string;
  time: string;
  className: string | null;
}

/** The instant of a snapshot time (RFC 3339; nanoseconds beyond the millisecond are dropped). */
export function timeMs(time: string): number {
  const ms = Date.parse(time);
  if (Number.isNaN(ms)) throw new BackupError('permanent', `the time ${JSON.stringify(time)} is not an RFC 3339 time: the snapshot or hold holding it is damaged`);
  return ms;
}

export function holdCovers(hold: Hold, snapshot: HoldableSnapshot, snapshotMs: number = timeMs(snapshot.time)): boolean {
  if (hold.releasedAt !== null) return false;
  const s = hold.scope;
  if (s.type === 'snapshot') return s.snapshotId === snapshot.id;
  if (s.type === 'class') return s.className === snapshot.className;
  return snapshotMs >= timeMs(s.from) && snapshotMs <= timeMs(s.to);
}

/** The active holds that cover this snapshot (empty: not held). */
export function heldBy(snapshot: HoldableSnapshot, holds: readonly Hold[]): Hold[] {
  const ms = timeMs(snapshot.time);
  return holds.filter((h) => holdCovers(h, snapshot, ms));
}

export function isHeld(snapshot: HoldableSnapshot, holds: readonly Hold[]): boolean {
  return heldBy(snapshot, holds).length > 0;
}

/** "legal hold #3: SEC inquiry", the reason forget shows for a held snapshot. */
export function holdReason(hold: Hold): string {
  return `legal hold #${hold.id}: ${hold.reason}`;
}

/** One line for lists: what the hold covers. */
export function describeScope(scope: HoldScope): string {
  if (scope.type === 'snapshot') return `snapshot ${scope.snapshotId.slice(0, 8)}`;
  if (scope.type === 'class') return `class ${scope.className}`;
  return `snapshots from ${scope.from} to ${scope.to}`;
}
