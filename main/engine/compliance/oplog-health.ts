/**
 * The operations log's facts for health and alerts: the newest chain check
 * (recorded as a catalog event, so no migration is needed and `status` can
 * list it) and the backlog of entries the repository does not hold yet.
 * Bounded queries only: the rules run every minute on a log that grows by
 * ~35,000 entries a year.
 */
import type { Catalog } from '../catalog/catalog.ts';
import type { OplogHealthInput } from '../health/health-types.ts';
import type { LogVerification } from './oplog-verify.ts';

export const LOG_CHECK_EVENT = 'oplog-verification';

interface CheckData { ok?: unknown; firstBadSeq?: unknown }

/** Stores one chain check of a repository copy's log (the verify job calls it for the local copy). */
export function recordLogCheck(catalog: Catalog, now: Date, destination: string, result: LogVerification): void {
  const message = result.ok
    ? `operations log in ${destination}: chain intact, ${result.entries} entries, head ${result.headSeq}`
    : `operations log in ${destination}: chain BROKEN, ${result.findings.length} problem(s); first: ${result.firstBad?.message ?? 'unknown'}`;
  catalog.addEvent({
    time: now.toISOString(), level: result.ok ? 'info' : 'error', type: LOG_CHECK_EVENT, message,
    data: {
      destination, ok: result.ok, entries: result.entries, headSeq: result.headSeq,
      firstBadSeq: result.firstBad?.seq ?? null, problems: result.findings.slice(0, 10).map((f) => f.message),
    },
  });
}

/** The log's health input, or undefined when nothing was logged yet. */
export function oplogHealth(catalog: Catalog, destination = 'local'): OplogHealthInput | undefined {
  const db = catalog.database;
  const head = (db.prepare('SELECT MAX(seq) AS seq FROM oplog').get() as { seq: number | null }).seq ?? 0;
  if (head === 0) return undefined;
  // The repository most recently flushed to is the configured one (a new repository gets the whole log at its first flush).
  const newest = db.prepare('SELECT repository_id FROM oplog_batches ORDER BY written_at DESC, last_seq DESC LIMIT 1').get() as { repository_id: string } | undefined;
  const flushed = newest
    ? (db.prepare('SELECT MAX(last_seq) AS seq FROM oplog_batches WHERE repository_id = ?').get(newest.repository_id) as { seq: number | null }).seq ?? 0
    : 0;
  const oldest = db.prepare('SELECT time FROM oplog WHERE seq > ? ORDER BY seq LIMIT 1').get(flushed) as { time: string } | undefined;
  return { lastCheck: lastCheck(catalog, destination), pending: Math.max(0, head - flushed), oldestPendingAt: oldest?.time ?? null };
}

function lastCheck(catalog: Catalog, destination: string): OplogHealthInput['lastCheck'] {
  // Newest first by id; the first check of this destination ends the scan.
  const rows = catalog.database
    .prepare('SELECT time, message, data FROM events WHERE type = ? ORDER BY id DESC LIMIT 20')
    .all(LOG_CHECK_EVENT) as { time: string; message: string; data: string | null }[];
  for (const row of rows) {
    const data = parse(row.data);
    if (data?.['destination'] !== destination) continue;
    const d = data as CheckData;
    return { time: row.time, ok: d.ok === true, message: row.message, firstBadSeq: typeof d.firstBadSeq === 'number' ? d.firstBadSeq : null };
  }
  return null;
}

function parse(json: string | null): Record<string, unknown> | null {
  if (json === null) return null;
  try {
    const value: unknown = JSON.parse(json);
    return value !== null && typeof value === 'object' ? (value as Record<string, unknown>) : null;
  } catch {
    // A row edited by hand: it tells nothing about a check; an older intact row may still do.
    return null;
  }
}
