/**
 * Retention durations in restic's forget style: a run of <number><unit> with
 * units y (years), m (months), d (days), h (hours), e.g. "7y", "48h", "1y6m".
 * Calendar units stay calendar units: "1m" back from 31 March is 28/29
 * February's end of day, not 30 days.
 */
export interface Duration {
  years: number;
  months: number;
  days: number;
  hours: number;
}

const PART = /(\d+)([ymdh])/g;
const WHOLE = /^(\d+[ymdh])+$/;

/** Parses "7y", "48h", "1y6m"; returns null when the text is not such a duration. */
export function parseDuration(text: string): Duration | null {
  if (!WHOLE.test(text)) return null;
  const d: Duration = { years: 0, months: 0, days: 0, hours: 0 };
  for (const [, n, unit] of text.matchAll(PART)) {
    const value = Number(n);
    if (unit === 'y') d.years += value;
    else if (unit === 'm') d.months += value;
    else if (unit === 'd') d.days += value;
    else d.hours += value;
  }
  return d;
}

export function formatDuration(d: Duration): string {
  const text = `${d.years ? `${d.years}y` : ''}${d.months ? `${d.months}m` : ''}${d.days ? `${d.days}d` : ''}${d.hours ? `${d.hours}h` : ''}`;
  return text === '' ? '0h' : text;
}

/** The instant `d` before `ms` (UTC calendar arithmetic, like Go's AddDate with negative values). */
export function subtractDuration(ms: number, d: Duration): number {
  const t = new Date(ms);
  return Date.UTC(
    t.getUTCFullYear() - d.years, t.getUTCMonth() - d.months, t.getUTCDate() - d.days,
    t.getUTCHours() - d.hours, t.getUTCMinutes(), t.getUTCSeconds(), t.getUTCMilliseconds(),
  );
}

/** The instant `d` after `ms`. */
export function addDuration(ms: number, d: Duration): number {
  return subtractDuration(ms, { years: -d.years, months: -d.months, days: -d.days, hours: -d.hours });
}

/** A rough length in days, only to compare durations (a year counts 365.25 days, a month 30.44). */
export function approximateDays(d: Duration): number {
  return d.years * 365.25 + d.months * 30.44 + d.days + d.hours / 24;
}
