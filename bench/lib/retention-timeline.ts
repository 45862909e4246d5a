/**
 * The retention bench's timeline: every snapshot instant of the simulated
 * period, and which of them the tier-1 policy keeps at its end (every
 * snapshot within `allHours`, the last of each hour within `hourlyDays`, of
 * each day within `dailyDays`, of each month within `monthlyYears`; UTC
 * calendar). Computed by calendar arithmetic here, independently of the
 * engine's policy code, like restic's --keep-within-* (windows measured back
 * from the newest snapshot).
 */
export interface TimelinePolicy {
  allHours: number;
  hourlyDays: number;
  dailyDays: number;
  monthlyYears: number;
}

export const TIER1_POLICY: TimelinePolicy = { allHours: 48, hourlyDays: 30, dailyDays: 365, monthlyYears: 7 };

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

export function instants(start: Date, days: number, intervalMinutes: number): Date[] {
  const out: Date[] = [];
  const step = intervalMinutes * 60_000;
  for (let t = start.getTime(); t <= start.getTime() + days * DAY; t += step) out.push(new Date(t));
  return out;
}

/** Indexes (into `times`, oldest first) of the instants the policy keeps, measured back from the last one. */
export function keptInstants(times: readonly Date[], policy: TimelinePolicy): Set<number> {
  const kept = new Set<number>();
  const newest = times.at(-1);
  if (!newest) return kept;
  const now = newest.getTime();
  const buckets = [
    { within: policy.hourlyDays * DAY, key: (d: Date) => d.toISOString().slice(0, 13) },
    { within: policy.dailyDays * DAY, key: (d: Date) => d.toISOString().slice(0, 10) },
    { within: policy.monthlyYears * 365.25 * DAY, key: (d: Date) => d.toISOString().slice(0, 7) },
  ];
  times.forEach((d, i) => {
    if (now - d.getTime() <= policy.allHours * HOUR) kept.add(i);
  });
  for (const bucket of buckets) {
    // Newest first: the first instant seen in a bucket is its last one.
    const seen = new Set<string>();
    for (let i = times.length - 1; i >= 0; i--) {
      const d = times[i]!;
      if (now - d.getTime() > bucket.within) break;
      const key = bucket.key(d);
      if (seen.has(key)) continue;
      seen.add(key);
      kept.add(i);
    }
  }
  return kept;
}

/** restic forget flags for the same policy. */
export function resticForgetFlags(policy: TimelinePolicy): string[] {
  return [
    '--keep-within', `${policy.allHours}h`,
    '--keep-within-hourly', `${policy.hourlyDays}d`,
    '--keep-within-daily', `${policy.dailyDays}d`,
    '--keep-within-monthly', `${policy.monthlyYears}y`,
  ];
}
