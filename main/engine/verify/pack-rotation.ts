/**
 * Which packs the daily verification reads in full. Reading every pack every
 * day costs the whole repository in I/O; reading a rotating share so that each
 * pack is read at least once within `readAllWithinDays` catches bit rot within
 * that window for 1/days of the cost.
 *
 * Order of preference: packs whose last read failed (so damage stays visible
 * until it is repaired), packs at their deadline, packs never read, then the
 * least recently read.
 * Count: the failed packs, plus ceil(total / days) others, or more when packs
 * would otherwise miss their deadline (the repository grew faster than the
 * quota, or runs were skipped, or overdue and never-read packs fall due on the
 * same day). Re-reading a damaged pack is on top of the rotation: if it took
 * a rotation slot, one damaged pack left unrepaired would push healthy packs
 * past their window.
 */
import type { Id } from '../repo/types.ts';

export const DAY_MS = 24 * 60 * 60 * 1000;
/** Daily runs drift by minutes; a pack this close to its deadline is read today rather than a day late. */
const DEADLINE_SLACK_MS = 60 * 60 * 1000;

export interface PackReadState {
  lastReadAt: string;
  ok: boolean;
}

export interface RotationPlan {
  /** Packs to read now, in the order given above. */
  selected: Id[];
  /** ceil(total / days). */
  quota: number;
  neverRead: number;
  /** Read before, but due now: their last read is about `days - 1` days old or older. */
  overdue: number;
  failedBefore: number;
}

export function planPackRotation(input: {
  packs: Iterable<Id>;
  reads: ReadonlyMap<Id, PackReadState>;
  now: Date;
  readAllWithinDays: number;
}): RotationPlan {
  const days = Math.max(1, Math.floor(input.readAllWithinDays));
  const dueBefore = input.now.getTime() - ((days - 1) * DAY_MS - DEADLINE_SLACK_MS);
  const failed: Id[] = [];
  const never: Id[] = [];
  const seen: { id: Id; at: number }[] = [];
  let overdue = 0;
  for (const id of input.packs) {
    const read = input.reads.get(id);
    if (!read) never.push(id);
    else if (!read.ok) failed.push(id);
    else {
      const at = Date.parse(read.lastReadAt);
      // An unparsable time is treated as never read rather than trusted.
      const when = Number.isNaN(at) ? Number.NEGATIVE_INFINITY : at;
      if (when <= dueBefore) overdue++;
      seen.push({ id, at: when });
    }
  }
  failed.sort();
  never.sort();
  seen.sort((a, b) => a.at - b.at || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const total = failed.length + never.length + seen.length;
  const quota = Math.ceil(total / days);
  // The overdue packs are the oldest reads, so they are the first `overdue` of `seen`.
  const ordered = [...failed, ...seen.slice(0, overdue).map((s) => s.id), ...never, ...seen.slice(overdue).map((s) => s.id)];
  // Never-read packs keep their share of the quota even on a day when overdue
  // packs fill it: they have a deadline too (the window from when they were
  // written), and on the last day of a first cycle both kinds are due at once.
  const count = Math.min(total, failed.length + Math.max(quota, overdue + Math.min(never.length, quota)));
  return { selected: ordered.slice(0, count), quota, neverRead: never.length, overdue, failedBefore: failed.length };
}
