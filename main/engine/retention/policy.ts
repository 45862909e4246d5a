/**
 * The retention decision, a pure function: which snapshots a forget keeps, and
 * for each kept one every rule that keeps it.
 *
 * Snapshots are grouped by data class and source (class, host and paths, as
 * restic groups by host and paths); within a group, newest first, the rules
 * apply as in restic's forget: keepLast N; keepWithin D (every snapshot newer
 * than D); keepHourly..keepYearly N and keepWithinHourly..keepWithinYearly D
 * (the last snapshot of each hour/day/ISO week/month/year, counted or inside
 * the window). Windows are measured back from the group's newest snapshot, or
 * from `now` if that is earlier: when backups stop, thinning stops with them.
 * Buckets follow the schedule's time zone, so "end of month" is the exchange's
 * month end. On top: the newest snapshot of each group, every held snapshot
 * and every unclassified snapshot are kept.
 */
import type { RetentionPolicy } from '../config/retention-schema.ts';
import { classOfSnapshot, type ClassifiableSnapshot, type DataClass } from './data-classes.ts';
import { parseDuration, subtractDuration } from './duration.ts';
import { heldBy, holdReason, timeMs, type Hold } from './holds.ts';
import { isoWeek, ZoneCalendar, type WallFields } from './zone-calendar.ts';

export interface RetentionSnapshot extends ClassifiableSnapshot {
  id: string;
  /** RFC 3339. */
  time: string;
  hostname: string;
}

export type RetentionRule =
  | 'newest' | 'last' | 'within' | 'hourly' | 'daily' | 'weekly' | 'monthly' | 'yearly' | 'hold' | 'unclassified'
  // The base snapshot of a replication generation point-in-time restore still needs (added by forget.ts).
  | 'replication';

export interface RetentionDecision {
  id: string;
  time: string;
  /** null: unclassified (kept). */
  className: string | null;
  /** Class, host and paths: the snapshots thinned together. */
  group: string;
  keep: boolean;
  /** Why it is kept, in words ('within 48h', 'hourly 2026-11-27 14:00', 'month-end 2026-10', 'legal hold #3: SEC inquiry'); empty when it goes. */
  reasons: string[];
  /** The rules behind `reasons`, one per reason, for counting. */
  rules: RetentionRule[];
}

export interface RetentionOptions {
  /** IANA zone for bucket boundaries (config.schedule.timezone). */
  timeZone: string;
}

type Unit = 'hourly' | 'daily' | 'weekly' | 'monthly' | 'yearly';
const UNITS: readonly Unit[] = ['hourly', 'daily', 'weekly', 'monthly', 'yearly'];
const COUNT_RULE = { hourly: 'keepHourly', daily: 'keepDaily', weekly: 'keepWeekly', monthly: 'keepMonthly', yearly: 'keepYearly' } as const;
const WITHIN_RULE = {
  hourly: 'keepWithinHourly', daily: 'keepWithinDaily', weekly: 'keepWithinWeekly', monthly: 'keepWithinMonthly', yearly: 'keepWithinYearly',
} as const;

const pad = (n: number): string => String(n).padStart(2, '0');

function bucketKey(unit: Unit, w: WallFields): number {
  switch (unit) {
    case 'hourly': return Math.floor(w.wallMs / 3_600_000);
    case 'daily': return Math.floor(w.wallMs / 86_400_000);
    case 'weekly': { const [y, wk] = isoWeek(w.year, w.month, w.day); return y * 100 + wk; }
    case 'monthly': return w.year * 12 + w.month;
    case 'yearly': return w.year;
  }
}

function bucketLabel(unit: Unit, w: WallFields): string {
  switch (unit) {
    case 'hourly': return `hourly ${w.year}-${pad(w.month)}-${pad(w.day)} ${pad(w.hour)}:00`;
    case 'daily': return `daily ${w.year}-${pad(w.month)}-${pad(w.day)}`;
    case 'weekly': { const [y, wk] = isoWeek(w.year, w.month, w.day); return `weekly ${y}-W${pad(wk)}`; }
    case 'monthly': return `month-end ${w.year}-${pad(w.month)}`;
    case 'yearly': return `year-end ${w.year}`;
  }
}

interface Item {
  index: number;
  ms: number;
  snapshot: RetentionSnapshot;
  decision: RetentionDecision;
}

function addReason(d: RetentionDecision, rule: RetentionRule, reason: string): void {
  if (d.reasons.includes(reason)) return;
  d.reasons.push(reason);
  d.rules.push(rule);
}

/** Applies one class's policy to one group, newest first. */
function thinGroup(items: Item[], policy: RetentionPolicy, now: number, calendar: ZoneCalendar): void {
  items.sort((a, b) => b.ms - a.ms || (a.snapshot.id < b.snapshot.id ? 1 : -1));
  const newest = items[0];
  if (!newest) return;
  const reference = Math.min(now, newest.ms);
  const cutoff = (text: string | undefined): number | null => {
    const d = text === undefined ? null : parseDuration(text);
    return d ? subtractDuration(reference, d) : null;
  };
  const withinCutoff = cutoff(policy.keepWithin);
  const withinLabel = `within ${policy.keepWithin ?? ''}`;
  const units = UNITS.map((unit) => ({
    unit,
    countLeft: policy[COUNT_RULE[unit]] ?? 0,
    lastCountKey: NaN,
    windowCutoff: cutoff(policy[WITHIN_RULE[unit]]),
    lastWindowKey: NaN,
  })).filter((u) => u.countLeft > 0 || u.windowCutoff !== null);

  items.forEach((item, position) => {
    const d = item.decision;
    if (position === 0) addReason(d, 'newest', 'newest of its class and source');
    if (policy.keepLast !== undefined && position < policy.keepLast) addReason(d, 'last', `last ${policy.keepLast}`);
    if (withinCutoff !== null && item.ms >= withinCutoff) addReason(d, 'within', withinLabel);
    if (units.length === 0) return;
    const wall = calendar.fields(item.ms);
    for (const u of units) {
      const key = bucketKey(u.unit, wall);
      if (u.countLeft > 0 && key !== u.lastCountKey) {
        u.lastCountKey = key;
        u.countLeft--;
        addReason(d, u.unit, bucketLabel(u.unit, wall));
      }
      if (u.windowCutoff !== null && item.ms >= u.windowCutoff && key !== u.lastWindowKey) {
        u.lastWindowKey = key;
        addReason(d, u.unit, bucketLabel(u.unit, wall));
      }
    }
  });
}

/** Decides every snapshot; the answer is in the order of `snapshots`. */
export function decideRetention(
  snapshots: readonly RetentionSnapshot[],
  classes: readonly DataClass[],
  holds: readonly Hold[],
  now: Date,
  options: RetentionOptions,
): RetentionDecision[] {
  const calendar = new ZoneCalendar(options.timeZone);
  // Snapshots of one source share tags and paths: classify each combination once.
  const sourceCache = new Map<string, { dataClass: DataClass | null; group: string; entry: { dataClass: DataClass; items: Item[] } | null }>();
  const groups = new Map<string, { dataClass: DataClass; items: Item[] }>();
  const decisions: RetentionDecision[] = new Array<RetentionDecision>(snapshots.length);
  const active = holds.filter((h) => h.releasedAt === null);

  snapshots.forEach((snapshot, index) => {
    const ms = timeMs(snapshot.time);
    const paths = snapshot.paths.length === 1 ? (snapshot.paths[0] ?? '') : [...snapshot.paths].sort().join('\u0000');
    const cacheKey = `${snapshot.hostname}\u0001${paths}\u0001${(snapshot.tags ?? []).join('\u0000')}`;
    let source = sourceCache.get(cacheKey);
    if (source === undefined) {
      const dataClass = classOfSnapshot(snapshot, classes);
      const group = dataClass ? `${dataClass.name} ${snapshot.hostname}:${paths.replaceAll('\u0000', ',')}` : 'unclassified';
      // One group per class and source; two tag sets of one class and source still thin together.
      const groupKey = dataClass ? `${dataClass.name}\u0001${snapshot.hostname}\u0001${paths}` : '';
      let entry = dataClass ? (groups.get(groupKey) ?? null) : null;
      if (dataClass && !entry) groups.set(groupKey, (entry = { dataClass, items: [] }));
      source = { dataClass, group, entry };
      sourceCache.set(cacheKey, source);
    }
    const className = source.dataClass?.name ?? null;
    const decision: RetentionDecision = { id: snapshot.id, time: snapshot.time, className, group: source.group, keep: false, reasons: [], rules: [] };
    decisions[index] = decision;
    if (active.length > 0) {
      for (const hold of heldBy({ id: snapshot.id, time: snapshot.time, className }, active)) addReason(decision, 'hold', holdReason(hold));
    }
    if (!source.entry) {
      addReason(decision, 'unclassified', 'unclassified');
      return;
    }
    source.entry.items.push({ index, ms, snapshot, decision });
  });

  for (const { dataClass, items } of groups.values()) thinGroup(items, dataClass.policy, now.getTime(), calendar);
  // Holds were added first, so they lead each list: they are the reason an auditor looks for.
  for (const d of decisions) d.keep = d.reasons.length > 0;
  return decisions;
}

export interface RetentionSummary {
  total: number;
  kept: number;
  forgotten: number;
  /** Snapshots each rule keeps (a snapshot kept by two rules counts for both). */
  byRule: Record<RetentionRule, number>;
}

export function summarizeDecisions(decisions: readonly RetentionDecision[]): RetentionSummary {
  const byRule: Record<RetentionRule, number> = {
    newest: 0, last: 0, within: 0, hourly: 0, daily: 0, weekly: 0, monthly: 0, yearly: 0, hold: 0, unclassified: 0, replication: 0,
  };
  let kept = 0;
  for (const d of decisions) {
    if (d.keep) kept++;
    for (const rule of new Set(d.rules)) byRule[rule]++;
  }
  return { total: decisions.length, kept, forgotten: decisions.length - kept, byRule };
}
