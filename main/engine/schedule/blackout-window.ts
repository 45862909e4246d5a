/**
 * Market-hours protection: whether an instant falls in a blackout window (on
 * the exchange's clock) and when that window ends. Heavy jobs wait; database
 * snapshots never do.
 */
import { WEEKDAY_NAMES, type Blackout } from '../config/schedule-schema.ts';
import { MINUTE_MS, wallTime } from './zone-time.ts';

export interface ActiveBlackout {
  name: string;
  /** First instant after the window. */
  endsAt: Date;
  /** "16:00" on the exchange's clock. */
  endLabel: string;
}

const minutesOf = (hhmm: string): number => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

export function activeBlackout(instant: Date, blackouts: readonly Blackout[], timeZone: string): ActiveBlackout | null {
  const wall = wallTime(instant, timeZone);
  const day = WEEKDAY_NAMES[wall.weekday];
  const minuteOfDay = wall.hour * 60 + wall.minute;
  for (const b of blackouts) {
    if (!day || !b.days.includes(day)) continue;
    const start = minutesOf(b.start);
    const end = minutesOf(b.end);
    if (minuteOfDay < start || minuteOfDay >= end) continue;
    // Step forward by the wall-clock distance; a DST change inside market hours never happens, and if it did we would only end early.
    const minuteStart = Math.floor(instant.getTime() / MINUTE_MS) * MINUTE_MS;
    return { name: b.name, endsAt: new Date(minuteStart + (end - minuteOfDay) * MINUTE_MS), endLabel: b.end };
  }
  return null;
}
