/**
 * Deletions before retention end, read from the operations log's 'forget'
 * entries. Thinning by the policy forgets young snapshots every day and is
 * fine: the database and file trees are cumulative, so the LAST snapshot of a
 * month still holds that month's records. A forget is a finding when it took
 * a snapshot still inside its class's retention and no snapshot of the same
 * class and source taken later in the same month (schedule time zone) is
 * retained: that month's records are gone before their time. A forgotten
 * snapshot of no known class is always a finding (it should never go).
 */
import { retentionEnd, type DataClass } from '../retention/data-classes.ts';
import { monthKey } from './calendar-keys.ts';
import type { OplogEntry } from './oplog-chain.ts';

export interface RetainedSnapshot {
  id: string;
  timeMs: number;
  className: string | null;
  source: string;
}

export interface EarlyDeletion {
  seq: number;
  forgottenAt: string;
  snapshotId: string;
  snapshotTime: string;
  className: string | null;
  retentionEnd: string | null;
  message: string;
}

interface LoggedSnapshot { id?: unknown; time?: unknown; paths?: unknown; class?: unknown }

export function sourceKey(paths: readonly string[]): string {
  return [...paths].sort().join('\n');
}

/** Matches a logged snapshot that names no paths: any source of its class covers it. */
const ANY_SOURCE = '\u0000any';

const coverageKey = (className: string, source: string, month: string): string => `${className}\u0000${source}\u0000${month}`;

/**
 * The newest retained snapshot time per class, source and month (and per
 * class and month for any source): one pass, so checking ~35,000 forgotten
 * snapshots a year against the retained ones is linear, not their product.
 */
function newestRetainedPerMonth(retained: readonly RetainedSnapshot[], timeZone: string): Map<string, number> {
  const newest = new Map<string, number>();
  const note = (key: string, timeMs: number): void => {
    const known = newest.get(key);
    if (known === undefined || timeMs > known) newest.set(key, timeMs);
  };
  for (const r of retained) {
    if (r.className === null) continue;
    const month = monthKey(new Date(r.timeMs), timeZone);
    note(coverageKey(r.className, r.source, month), r.timeMs);
    note(coverageKey(r.className, ANY_SOURCE, month), r.timeMs);
  }
  return newest;
}

export function findEarlyDeletions(
  forgets: readonly OplogEntry[], classes: readonly DataClass[], retained: readonly RetainedSnapshot[], timeZone: string,
): EarlyDeletion[] {
  const byName = new Map(classes.map((c) => [c.name, c]));
  const newestRetained = newestRetainedPerMonth(retained, timeZone);
  const found: EarlyDeletion[] = [];
  for (const entry of forgets) {
    const list = entry.data?.snapshots;
    if (!Array.isArray(list)) continue;
    const forgottenMs = Date.parse(entry.time);
    for (const raw of list as LoggedSnapshot[]) {
      if (typeof raw.id !== 'string' || typeof raw.time !== 'string') continue;
      const snapshotMs = Date.parse(raw.time);
      const className = typeof raw.class === 'string' ? raw.class : null;
      const dataClass = className === null ? undefined : byName.get(className);
      const base = { seq: entry.seq, forgottenAt: entry.time, snapshotId: raw.id, snapshotTime: raw.time, className };
      if (!dataClass) {
        found.push({ ...base, retentionEnd: null, message: `log entry ${entry.seq}: snapshot ${raw.id.slice(0, 8)} of ${raw.time} was forgotten although it belongs to no known data class (${className ?? 'unclassified'}): it should have been kept` });
        continue;
      }
      const end = retentionEnd(new Date(snapshotMs), dataClass);
      if (end.getTime() <= forgottenMs) continue;
      const paths = Array.isArray(raw.paths) ? raw.paths.filter((p): p is string => typeof p === 'string') : [];
      const month = monthKey(new Date(snapshotMs), timeZone);
      const source = sourceKey(paths);
      const newest = newestRetained.get(coverageKey(dataClass.name, paths.length === 0 ? ANY_SOURCE : source, month));
      if (newest !== undefined && newest >= snapshotMs) continue;
      found.push({
        ...base, retentionEnd: end.toISOString(),
        message: `log entry ${entry.seq}: snapshot ${raw.id.slice(0, 8)} of ${raw.time} (${dataClass.name}, ${dataClass.retentionText} retention until ${end.toISOString().slice(0, 10)}) was forgotten on ${entry.time.slice(0, 10)} and no later snapshot of ${month} is retained: records deleted before retention end`,
      });
    }
  }
  return found;
}
