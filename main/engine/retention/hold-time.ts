/**
 * The times a range hold is given in: `2026-03-01` (a whole day on the
 * schedule's clock: --from takes its first instant, --to its last),
 * `2026-03-01T14:30` (the schedule's clock) or a full ISO time with an offset.
 */
import { ConfigError } from '../errors.ts';
import { offsetMs } from '../schedule/zone-time.ts';

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const LOCAL = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2}))?$/;
const WITH_ZONE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/i;

/** The instant the zone's clock shows this wall reading (the earlier one when DST repeats it). */
function fromWall(wallUtcMs: number, timeZone: string): number {
  let guess = wallUtcMs - offsetMs(new Date(wallUtcMs), timeZone);
  guess = wallUtcMs - offsetMs(new Date(guess), timeZone);
  return guess;
}

/** A calendar reading that exists: month 13, 30 February or hour 25 would silently roll over in Date.UTC. */
function realReading(y: number, mo: number, d: number, h = 0, mi = 0, sec = 0): boolean {
  const t = new Date(Date.UTC(y, mo - 1, d, h, mi, sec));
  return t.getUTCFullYear() === y && t.getUTCMonth() === mo - 1 && t.getUTCDate() === d
    && t.getUTCHours() === h && t.getUTCMinutes() === mi && t.getUTCSeconds() === sec;
}

export function parseHoldTime(text: string, edge: 'from' | 'to', timeZone: string): string {
  const bad = (): ConfigError =>
    new ConfigError(`--${edge} "${text}" is not a time: use a date (2026-03-01), a time on the schedule's clock (2026-03-01T14:30) or an ISO time with offset`);
  let ms: number;
  const date = DATE.exec(text);
  const local = LOCAL.exec(text);
  if (date) {
    const [, y, m, d] = date.map(Number) as [number, number, number, number];
    if (!realReading(y, m, d)) throw bad();
    const start = fromWall(Date.UTC(y, m - 1, d), timeZone);
    ms = edge === 'from' ? start : fromWall(Date.UTC(y, m - 1, d + 1), timeZone) - 1;
  } else if (local) {
    const [, y, mo, d, h, mi, s] = local.map((v) => Number(v ?? 0)) as [number, number, number, number, number, number, number];
    if (!realReading(y, mo, d, h, mi, s)) throw bad();
    ms = fromWall(Date.UTC(y, mo - 1, d, h, mi, s), timeZone) + (edge === 'to' && local[6] === undefined ? 59_999 : 0);
  } else if (WITH_ZONE.test(text)) {
    const f = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?/i.exec(text)!.slice(1).map((v) => Number(v ?? 0)) as [number, number, number, number, number, number];
    if (!realReading(...f)) throw bad();
    ms = Date.parse(text);
  } else {
    throw bad();
  }
  if (Number.isNaN(ms)) throw bad();
  return new Date(ms).toISOString();
}
