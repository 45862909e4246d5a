/**
 * When a cron expression fires, on the exchange's clock. node-cron does the
 * matching (we never parse cron ourselves): we create tasks that are never
 * started and ask `match()` minute by minute from the injected clock's time.
 *
 * DST rules, so a change neither skips nor doubles a run:
 * - spring forward: a wall-clock time the gap skips (02:30 on 2026-03-08 in
 *   New York) runs at the first minute after the gap (03:00);
 * - fall back: a wall-clock time the clock shows twice (01:30 on 2026-11-01)
 *   runs once, at its first occurrence, for a job that runs at chosen hours;
 *   a job that runs every hour (a 15-minute snapshot) follows elapsed time and
 *   runs in both showings of the repeated hour, or it would leave a 75-minute gap.
 */
import { createTask, validateDetailed, type ScheduledTask } from 'node-cron';
import { floorMinute, MINUTE_MS, offsetMs } from './zone-time.ts';

const DAY_MS = 24 * 60 * MINUTE_MS;
/** Offsets change only at instants on a 15-minute UTC grid (true of every modern zone), so we ask Intl once per slot. */
const OFFSET_SLOT_MS = 15 * MINUTE_MS;

/** How far next()/latest() look: a year covers every sensible backup schedule. */
export const DEFAULT_HORIZON_MS = 366 * DAY_MS;

const noop = (): void => undefined;

export class CronTimes {
  readonly expression: string;
  readonly timeZone: string;
  /** Matches real instants in the zone. */
  private readonly zoneTask: ScheduledTask;
  /** Matches wall-clock readings encoded as UTC: the only way to ask about minutes a DST gap removed. */
  private readonly wallTask: ScheduledTask;
  /**
   * node-cron's own parse of the minute and hour fields: a cheap pre-filter so
   * match() (an Intl call each) runs only on candidate minutes. match() decides.
   */
  private readonly minutes: ReadonlySet<number>;
  private readonly hours: ReadonlySet<number>;
  /** Runs in every hour of the day: repeated wall-clock minutes are real, distinct slots for it. */
  private readonly everyHour: boolean;
  private readonly offsets = new Map<number, number>();

  constructor(expression: string, timeZone: string) {
    this.expression = expression;
    this.timeZone = timeZone;
    const parsed = validateDetailed(expression);
    if (!parsed.valid || !parsed.fields) {
      throw new Error(`invalid cron expression "${expression}": ${parsed.errors.map((e) => e.message).join('; ')}`);
    }
    this.minutes = new Set(parsed.fields.minute);
    this.hours = new Set(parsed.fields.hour);
    this.everyHour = this.hours.size === 24;
    this.zoneTask = createTask(expression, noop, { timezone: timeZone });
    this.wallTask = createTask(expression, noop, { timezone: 'UTC' });
  }

  /** Whether the minute starting at `minute` (aligned) is a scheduled run time. */
  matches(minute: Date): boolean {
    const m = floorMinute(minute);
    const t = m.getTime();
    if (!this.everyHour && this.isRepeatedWallMinute(t)) return false;
    const wall = t + this.offset(t);
    if (this.isCandidate(wall) && this.zoneTask.match(m)) return true;
    const wallBefore = t - MINUTE_MS + this.offset(t - MINUTE_MS);
    // A forward jump: the wall minutes strictly between were never shown; a match among them runs now.
    for (let w = wallBefore + MINUTE_MS; w < wall; w += MINUTE_MS) {
      if (this.isCandidate(w) && this.wallTask.match(new Date(w))) return true;
    }
    return false;
  }

  /** The first scheduled minute strictly after `after`, or null within the horizon. */
  next(after: Date, horizonMs = DEFAULT_HORIZON_MS): Date | null {
    const start = floorMinute(after).getTime() + MINUTE_MS;
    for (let t = start; t <= start + horizonMs; t += MINUTE_MS) {
      const m = new Date(t);
      if (this.matches(m)) return m;
    }
    return null;
  }

  /** The last scheduled minute at or before `atOrBefore` and after `notBefore` (exclusive), or null. */
  latest(atOrBefore: Date, notBefore?: Date, horizonMs = DEFAULT_HORIZON_MS): Date | null {
    const end = floorMinute(atOrBefore).getTime();
    const stop = Math.max(end - horizonMs, notBefore ? notBefore.getTime() : -Infinity);
    for (let t = end; t > stop; t -= MINUTE_MS) {
      const m = new Date(t);
      if (this.matches(m)) return m;
    }
    return null;
  }

  /** node-cron keeps every created task in a registry: remove ours. */
  dispose(): void {
    void this.zoneTask.destroy();
    void this.wallTask.destroy();
  }

  /**
   * True for the second showing of a wall-clock minute after a fall-back: an
   * earlier instant (before the change, at the larger offset) read the same.
   */
  private isRepeatedWallMinute(t: number): boolean {
    const now = this.offset(t);
    const dayBefore = this.offset(t - DAY_MS);
    if (dayBefore <= now) return false;
    return this.offset(t - (dayBefore - now)) === dayBefore;
  }

  /** Wall-clock ms (as UTC) whose minute and hour the expression allows. */
  private isCandidate(wall: number): boolean {
    const d = new Date(wall);
    return this.minutes.has(d.getUTCMinutes()) && this.hours.has(d.getUTCHours());
  }

  private offset(t: number): number {
    const slot = Math.floor(t / OFFSET_SLOT_MS);
    let off = this.offsets.get(slot);
    if (off === undefined) {
      if (this.offsets.size > 200_000) this.offsets.clear();
      off = offsetMs(new Date(slot * OFFSET_SLOT_MS), this.timeZone);
      this.offsets.set(slot, off);
    }
    return off;
  }
}
