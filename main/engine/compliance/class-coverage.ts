/**
 * Coverage of one data class: do the retained snapshots reach back as far as
 * the records must be kept, and which days lack a snapshot where the policy
 * keeps one per day or finer. A new installation is measured against the
 * time since its first backup, not the full retention: lacking seven-year-old
 * backups after one month is not a violation.
 */
import type { DataClass } from '../retention/data-classes.ts';
import { parseDuration, subtractDuration } from '../retention/duration.ts';
import { daysBetween, dayKey } from './calendar-keys.ts';

const DAY_MS = 86_400_000;
/** Month-end thinning keeps the LAST snapshot of the oldest month: the oldest may start up to a month late. */
const START_SLACK_MS = 32 * DAY_MS;
/** Gap days listed by name in the report (the count is always complete). */
const LISTED_GAPS = 31;

export interface ClassCoverage {
  /** Since when the records must be there: the later of (now - retention) and the first backup. */
  requiredFrom: string | null;
  requiredDays: number;
  /** How far back the retained snapshots reach, in days. */
  coveredDays: number;
  ok: boolean;
  problem: string | null;
  /** Days (schedule time zone) inside the daily window with no snapshot; today is not counted until it is over. */
  gapDays: number;
  gaps: string[];
}

export function classCoverage(
  dataClass: DataClass, retainedTimes: readonly number[], firstBackupMs: number | null, now: Date, timeZone: string,
): ClassCoverage {
  const nowMs = now.getTime();
  if (firstBackupMs === null) {
    return { requiredFrom: null, requiredDays: 0, coveredDays: 0, ok: true, problem: null, gapDays: 0, gaps: [] };
  }
  const requiredFromMs = Math.max(subtractDuration(nowMs, dataClass.retention), firstBackupMs);
  const oldest = retainedTimes.length > 0 ? Math.min(...retainedTimes) : null;
  const requiredDays = Math.max(0, Math.round((nowMs - requiredFromMs) / DAY_MS));
  const coveredDays = oldest === null ? 0 : Math.max(0, Math.round((nowMs - oldest) / DAY_MS));
  let problem: string | null = null;
  if (oldest === null) {
    problem = `no snapshot of ${dataClass.name} is retained, but its records since ${new Date(requiredFromMs).toISOString()} must be kept`;
  } else if (oldest > requiredFromMs + START_SLACK_MS) {
    problem = `the oldest retained snapshot of ${dataClass.name} is from ${new Date(oldest).toISOString()}, but records must reach back to ${new Date(requiredFromMs).toISOString()} (${dataClass.retentionText} retention, first backup ${new Date(firstBackupMs).toISOString()})`;
  }
  const gaps = gapDays(dataClass, retainedTimes, firstBackupMs, now, timeZone);
  return {
    requiredFrom: new Date(requiredFromMs).toISOString(), requiredDays, coveredDays, ok: problem === null, problem,
    gapDays: gaps.length, gaps: gaps.slice(-LISTED_GAPS),
  };
}

/** The window where the policy keeps at least one snapshot a day: the longest of keepWithin, -Hourly and -Daily. */
function dailyWindowStart(dataClass: DataClass, nowMs: number): number | null {
  const p = dataClass.policy;
  let start: number | null = null;
  for (const text of [p.keepWithin, p.keepWithinHourly, p.keepWithinDaily]) {
    const d = text === undefined ? null : parseDuration(text);
    if (!d) continue;
    const s = subtractDuration(nowMs, d);
    start = start === null ? s : Math.min(start, s);
  }
  return start;
}

function gapDays(dataClass: DataClass, times: readonly number[], firstBackupMs: number, now: Date, timeZone: string): string[] {
  const windowStart = dailyWindowStart(dataClass, now.getTime());
  if (windowStart === null) return [];
  const from = dayKey(new Date(Math.max(windowStart, firstBackupMs)), timeZone);
  const yesterday = dayKey(new Date(now.getTime() - DAY_MS), timeZone);
  if (from > yesterday) return [];
  // The first partial day counts only if it is the first backup's own day (it has that snapshot) or a full day.
  const firstFull = windowStart > firstBackupMs ? dayKey(new Date(windowStart + DAY_MS), timeZone) : from;
  const seen = new Set(times.map((t) => dayKey(new Date(t), timeZone)));
  return daysBetween(firstFull, yesterday).filter((d) => !seen.has(d));
}
