/**
 * Calendar fields of instants on a zone's wall clock, fast enough for hundreds
 * of thousands of snapshots: the zone's UTC offset is looked up (through Intl)
 * once per UTC day and reused for the whole day unless that day has a change
 * (DST), where each instant is looked up on its own.
 */
import { offsetMs } from '../schedule/zone-time.ts';

const DAY_MS = 86_400_000;

export interface WallFields {
  year: number;
  /** 1-12 */
  month: number;
  day: number;
  hour: number;
  /** The wall reading as if it were UTC milliseconds: comparable, and divisible into hours and days. */
  wallMs: number;
}

export class ZoneCalendar {
  readonly timeZone: string;
  /** UTC day number -> the offset used all day, or null when the offset changes that day. */
  private readonly dayOffsets = new Map<number, number | null>();

  constructor(timeZone: string) {
    this.timeZone = timeZone;
  }

  private offsetAt(ms: number): number {
    if (this.timeZone === 'UTC' || this.timeZone === 'Etc/UTC') return 0;
    const day = Math.floor(ms / DAY_MS);
    let cached = this.dayOffsets.get(day);
    if (cached === undefined) {
      const start = offsetMs(new Date(day * DAY_MS), this.timeZone);
      const end = offsetMs(new Date(day * DAY_MS + DAY_MS - 1), this.timeZone);
      cached = start === end ? start : null;
      this.dayOffsets.set(day, cached);
    }
    return cached ?? offsetMs(new Date(ms), this.timeZone);
  }

  fields(ms: number): WallFields {
    const wallMs = ms + this.offsetAt(ms);
    const w = new Date(wallMs);
    return { year: w.getUTCFullYear(), month: w.getUTCMonth() + 1, day: w.getUTCDate(), hour: w.getUTCHours(), wallMs };
  }
}

/** ISO 8601 week of a calendar date: [week-based year, week 1-53]. */
export function isoWeek(year: number, month: number, day: number): [number, number] {
  const date = new Date(Date.UTC(year, month - 1, day));
  const weekday = date.getUTCDay() || 7; // Monday 1 ... Sunday 7
  date.setUTCDate(date.getUTCDate() + 4 - weekday); // the Thursday of this week decides the year
  const weekYear = date.getUTCFullYear();
  const week = Math.ceil(((date.getTime() - Date.UTC(weekYear, 0, 1)) / DAY_MS + 1) / 7);
  return [weekYear, week];
}
