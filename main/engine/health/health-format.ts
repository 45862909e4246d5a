/**
 * Small text helpers for health reports and alert messages: durations, sizes
 * and IDs the way a person reads them in a notification or an SMS.
 */
import { BackupError } from '../errors.ts';

/** Milliseconds since the epoch of a stored RFC 3339 time; a corrupt value is a loud error, not "no backup". */
export function timeMs(text: string): number {
  const ms = Date.parse(text);
  if (Number.isNaN(ms)) throw new BackupError('fatal', `the catalog holds an unreadable time ${JSON.stringify(text)}: the catalog may be damaged`);
  return ms;
}

/** "45 s", "12 min", "2 h 5 min", "3 d 4 h": two units at most. */
export function formatDuration(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return minutes % 60 === 0 ? `${hours} h` : `${hours} h ${minutes % 60} min`;
  const days = Math.floor(hours / 24);
  return hours % 24 === 0 ? `${days} d` : `${days} d ${hours % 24} h`;
}

/** A period for "in the last ...": "hour", "2 hours", "26 hours", "31 days", "90 minutes". */
export function formatPeriod(minutes: number): string {
  if (minutes === 60) return 'hour';
  if (minutes === 24 * 60) return 'day';
  if (minutes % (24 * 60) === 0 && minutes >= 7 * 24 * 60) return `${minutes / (24 * 60)} days`;
  if (minutes % 60 === 0) return `${minutes / 60} hours`;
  return minutes === 1 ? 'minute' : `${minutes} minutes`;
}

export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  let value = bytes;
  let unit = 0;
  while (Math.abs(value) >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${unit === 0 ? value : value.toFixed(1)} ${units[unit]}`;
}

/** IDs as restic prints them (8 hex digits), at most `max` of them and a count of the rest. */
export function formatIds(ids: readonly string[], max = 5): string {
  const shown = ids.slice(0, max).map((id) => id.slice(0, 8)).join(', ');
  return ids.length > max ? `${shown} and ${ids.length - max} more` : shown;
}
