/**
 * RFC 3339 timestamps with nanoseconds, as Go's time.Time marshals them
 * (RFC3339Nano: trailing zeros of the fraction dropped, `Z` for UTC, else the
 * local offset). fs.Stats with `bigint: true` gives nanosecond times; a JS
 * Date would lose them.
 */
import type { BigIntStats } from 'node:fs';

const NS_PER_SECOND = 1_000_000_000n;
const PATTERN = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?([Zz]|[+-]\d{2}:\d{2})$/;

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

/** The local UTC offset in minutes (east positive) at the given instant. */
export function localOffsetMinutes(epochNs: bigint): number {
  const offset = -new Date(Number(epochNs / 1_000_000n)).getTimezoneOffset();
  return offset === 0 ? 0 : offset; // avoid -0
}

/** Formats nanoseconds since the Unix epoch; the offset defaults to the local zone, like Go. */
export function formatRfc3339Nano(epochNs: bigint, offsetMinutes: number = localOffsetMinutes(epochNs)): string {
  let seconds = epochNs / NS_PER_SECOND;
  let frac = epochNs % NS_PER_SECOND;
  if (frac < 0n) {
    frac += NS_PER_SECOND;
    seconds -= 1n;
  }
  const wall = new Date((Number(seconds) + offsetMinutes * 60) * 1000);
  const date = `${pad(wall.getUTCFullYear(), 4)}-${pad(wall.getUTCMonth() + 1, 2)}-${pad(wall.getUTCDate(), 2)}`;
  const time = `${pad(wall.getUTCHours(), 2)}:${pad(wall.getUTCMinutes(), 2)}:${pad(wall.getUTCSeconds(), 2)}`;
  const fraction = frac === 0n ? '' : `.${frac.toString().padStart(9, '0').replace(/0+$/, '')}`;
  let zone = 'Z';
  if (offsetMinutes !== 0) {
    const abs = Math.abs(offsetMinutes);
    zone = `${offsetMinutes < 0 ? '-' : '+'}${pad(Math.floor(abs / 60), 2)}:${pad(abs % 60, 2)}`;
  }
  return `${date}T${time}${fraction}${zone}`;
}

/** Parses an RFC 3339 timestamp into nanoseconds since the epoch; throws SyntaxError if malformed. */
export function parseRfc3339Nano(text: string): bigint {
  const m = PATTERN.exec(text);
  if (!m) throw new SyntaxError(`not an RFC 3339 time: ${JSON.stringify(text)}`);
  const [, y, mo, d, h, mi, s, fraction, zone] = m;
  const wall = new Date(0);
  wall.setUTCFullYear(Number(y), Number(mo) - 1, Number(d));
  wall.setUTCHours(Number(h), Number(mi), Number(s), 0);
  let offsetMinutes = 0;
  if (zone && zone !== 'Z' && zone !== 'z') {
    const sign = zone.startsWith('-') ? -1 : 1;
    offsetMinutes = sign * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4, 6)));
  }
  const fracNs = fraction ? BigInt(fraction.slice(0, 9).padEnd(9, '0')) : 0n;
  const epochSeconds = BigInt(wall.getTime() / 1000) - BigInt(offsetMinutes * 60);
  return epochSeconds * NS_PER_SECOND + fracNs;
}

/** A Date (millisecond precision) as Go would print it in the local zone. */
export function formatDate(date: Date): string {
  return formatRfc3339Nano(BigInt(date.getTime()) * 1_000_000n);
}

/** The three node times of a file, from `fs.lstat(path, { bigint: true })`. */
export function statTimes(stats: BigIntStats): { mtime: string; atime: string; ctime: string } {
  return {
    mtime: formatRfc3339Nano(stats.mtimeNs),
    atime: formatRfc3339Nano(stats.atimeNs),
    ctime: formatRfc3339Nano(stats.ctimeNs),
  };
}

/** Orders two RFC 3339 timestamps by instant (string order fails across zones). */
export function compareRfc3339(a: string, b: string): number {
  const d = parseRfc3339Nano(a) - parseRfc3339Nano(b);
  return d < 0n ? -1 : d > 0n ? 1 : 0;
}
