/**
 * The catalog's `drills` table: one row per restore drill and destination,
 * with its evidence report (JSON and the readable HTML page).
 *
 * duration_ms / rto_ms hold the binding measurement: of the database restore
 * and the (estimated) file restore, the one closest to or furthest past its
 * tier's objective, so `duration_ms > rto_ms` exactly when the drill was
 * slower than an objective.
 */
import type Database from 'better-sqlite3';
import type { Catalog } from './catalog.ts';

export interface DrillRecord {
  id: number;
  startedAt: string;
  endedAt: string | null;
  destination: string;
  ok: boolean | null;
  durationMs: number | null;
  rtoMs: number | null;
  report: unknown;
  html: string | null;
}

interface DrillRow {
  id: number; started_at: string; ended_at: string | null; destination: string; ok: number | null;
  duration_ms: number | null; rto_ms: number | null; report_json: string | null; report_html: string | null;
}

export class DrillStore {
  private readonly db: Database.Database;

  constructor(catalog: Catalog) {
    this.db = catalog.database;
  }

  record(drill: Omit<DrillRecord, 'id'>): number {
    const info = this.db
      .prepare(`INSERT INTO drills (started_at, ended_at, destination, ok, duration_ms, rto_ms, report_json, report_html)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)`)
      .run(
        drill.startedAt, drill.endedAt, drill.destination, drill.ok === null ? null : drill.ok ? 1 : 0,
        drill.durationMs, drill.rtoMs, drill.report === undefined ? null : JSON.stringify(drill.report), drill.html,
      );
    return Number(info.lastInsertRowid);
  }

  get(id: number): DrillRecord | null {
    const row = this.db.prepare('SELECT * FROM drills WHERE id = ?').get(id) as DrillRow | undefined;
    return row ? toRecord(row) : null;
  }

  /** The newest drill, optionally of one destination. */
  latest(destination?: string): DrillRecord | null {
    return this.recent(1, destination)[0] ?? null;
  }

  recent(limit: number, destination?: string): DrillRecord[] {
    const rows = (destination
      ? this.db.prepare('SELECT * FROM drills WHERE destination = ? ORDER BY id DESC LIMIT ?').all(destination, limit)
      : this.db.prepare('SELECT * FROM drills ORDER BY id DESC LIMIT ?').all(limit)) as DrillRow[];
    return rows.map(toRecord);
  }
}

function toRecord(row: DrillRow): DrillRecord {
  return {
    id: row.id, startedAt: row.started_at, endedAt: row.ended_at, destination: row.destination,
    ok: row.ok === null ? null : row.ok === 1, durationMs: row.duration_ms, rtoMs: row.rto_ms,
    report: row.report_json === null ? null : JSON.parse(row.report_json), html: row.report_html,
  };
}
