/**
 * The Settings window's readable cron preview, checked as the user types: the
 * scheduler's own cron helpers (node-cron underneath), so the preview shows
 * exactly the times the scheduler will run, DST rules included.
 */
import type { CronPreview } from '../../preload/ipc-contract.ts';
import { CronTimes } from '../engine/schedule/cron-times.ts';
import { isValidTimeZone } from '../engine/schedule/zone-time.ts';

export const PREVIEW_RUNS = 5;
/** The preview looks this far ahead in all: a yearly job shows one run, not a long scan. */
const PREVIEW_HORIZON_MS = 366 * 24 * 60 * 60_000;

export async function previewCron(expression: string, timezone: string, now: Date, count = PREVIEW_RUNS): Promise<CronPreview> {
  const expr = expression.trim();
  if (!isValidTimeZone(timezone)) {
    return { valid: false, error: `unknown time zone "${timezone}" (use an IANA name such as America/New_York)`, next: [] };
  }
  const fields = expr === '' ? [] : expr.split(/\s+/);
  if (fields.length !== 5) {
    return {
      valid: false,
      error: `a schedule needs 5 fields (minute hour day-of-month month day-of-week), e.g. "*/15 * * * *"; "${expr}" has ${fields.length}`,
      next: [],
    };
  }
  let cron: CronTimes;
  try {
    cron = new CronTimes(expr, timezone);
  } catch (err) {
    return { valid: false, error: (err as Error).message, next: [] };
  }
  try {
    const next: string[] = [];
    const end = now.getTime() + PREVIEW_HORIZON_MS;
    let from = now;
    while (next.length < count) {
      // The scan is minute by minute: give the event loop a turn between runs.
      await new Promise<void>((resolve) => setImmediate(resolve));
      const at = cron.next(from, end - from.getTime());
      if (!at) break;
      next.push(at.toISOString());
      from = at;
    }
    return { valid: true, next };
  } finally {
    cron.dispose();
  }
}
