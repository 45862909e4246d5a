/**
 * `restore --at TIME`: an instant a person can type. Either RFC 3339 with a
 * zone ("2026-11-27T14:03:07.250Z", "...+01:00"), or "YYYY-MM-DD HH:MM[:SS[.fff]]"
 * read on the exchange's clock (config.schedule.timezone), because that is the
 * clock a trader reports an incident on. A wall time that the zone skips (DST
 * spring forward) is refused; one it repeats (fall back) means the first.
 */
import { ConfigError } from '../errors.ts';
import { offsetMs } from '../schedule/zone-time.ts';

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/i;
const LOCAL = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3})\d*)?)?$/;
const HOUR_MS = 3_600_000;

export function parsePointInTime(text: string, timeZone: string): Date {
  const input = text.trim();
  const hint = `use RFC 3339 (2026-11-27T14:03:07Z) or "YYYY-MM-DD HH:MM[:SS]" on the ${timeZone} clock`;
  if (RFC3339.test(input)) {
    const at = new Date(input);
    if (Number.isNaN(at.getTime())) throw new ConfigError(`--at "${text}" is not a valid time: ${hint}`);
    return at;
  }
  const m = LOCAL.exec(input);
  if (!m) throw new ConfigError(`--at "${text}" is not understood: ${hint}`);
  const [y, mo, d, h, mi, s] = m.slice(1, 7).map((v) => Number(v ?? 0)) as [number, number, number, number, number, number];
  const fracMs = m[7] ? Number(m[7].padEnd(3, '0')) : 0;
  const wall = Date.UTC(y, mo - 1, d, h, mi, s, fracMs);
  const check = new Date(wall);
  if (check.getUTCFullYear() !== y || check.getUTCMonth() !== mo - 1 || check.getUTCDate() !== d || h > 23 || mi > 59 || s > 59) {
    throw new ConfigError(`--at "${text}" is not a valid calendar time: ${hint}`);
  }
  // Two passes find the instant whose offset agrees with itself; the earlier of two fits wins (a repeated hour).
  const candidates = [wall - offsetMs(new Date(wall - HOUR_MS * 3), timeZone), wall - offsetMs(new Date(wall + HOUR_MS * 3), timeZone)]
    .map((t) => wall - offsetMs(new Date(t), timeZone))
    .filter((t) => t + offsetMs(new Date(t), timeZone) === wall)
    .sort((a, b) => a - b);
  const first = candidates[0];
  if (first === undefined) throw new ConfigError(`--at "${text}" does not exist on the ${timeZone} clock (a daylight-saving jump skips it): give a time with an offset`);
  return new Date(first);
}
