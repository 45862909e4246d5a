/**
 * `pause --until TIME`: a moment a person can type. "16:00" (the next 16:00 on
 * the exchange's clock), "2026-03-09 16:00" (exchange's clock), an ISO time with
 * an offset or Z, or a duration from now ("90m", "2h", "3d").
 */
import { ConfigError } from '../errors.ts';
import { MINUTE_MS, wallMs } from './zone-time.ts';

const DURATION = /^(\d+)\s*(m|min|h|d)$/i;
const LOCAL_TIME = /^(?:(\d{4})-(\d{2})-(\d{2})[ T])?([01]\d|2[0-3]):([0-5]\d)$/;

export function parsePauseUntil(text: string, now: Date, timeZone: string): Date {
  const input = text.trim();
  const duration = DURATION.exec(input);
  if (duration) {
    const unit = duration[2]!.toLowerCase();
    const minutes = Number(duration[1]) * (unit === 'h' ? 60 : unit === 'd' ? 1440 : 1);
    return new Date(now.getTime() + minutes * MINUTE_MS);
  }
  const local = LOCAL_TIME.exec(input);
  if (local) {
    const [, y, mo, d, h, mi] = local;
    const target = (wall: number) => {
      const w = new Date(wall);
      const sameDay = !y || (w.getUTCFullYear() === Number(y) && w.getUTCMonth() + 1 === Number(mo) && w.getUTCDate() === Number(d));
      return sameDay && w.getUTCHours() === Number(h) && w.getUTCMinutes() === Number(mi);
    };
    // Step minutes forward until the exchange's clock shows it (a date up to a year ahead).
    const start = Math.floor(now.getTime() / MINUTE_MS) * MINUTE_MS + MINUTE_MS;
    const limit = y ? 366 * 1440 : 1441;
    for (let i = 0; i < limit; i++) {
      const t = start + i * MINUTE_MS;
      if (target(wallMs(new Date(t), timeZone))) return new Date(t);
    }
    throw new ConfigError(`--until "${text}" is not a time in the coming ${y ? 'year' : 'day'} (${timeZone})`);
  }
  if (/^\d{4}-\d{2}-\d{2}T.*(Z|[+-]\d{2}:?\d{2})$/.test(input)) {
    const at = new Date(input);
    if (!Number.isNaN(at.getTime())) {
      if (at.getTime() <= now.getTime()) throw new ConfigError(`--until "${text}" is in the past`);
      return at;
    }
  }
  throw new ConfigError(`--until "${text}" is not understood: use HH:MM, "YYYY-MM-DD HH:MM" (${timeZone}), an ISO time with offset, or a duration like 90m, 2h, 3d`);
}
