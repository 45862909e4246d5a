/**
 * The catalog's `verifications` and `pack_reads` tables: every verification
 * the engine ran (the health model and alert rules read the latest ones), and
 * when each pack was last read in full, which drives the daily rotation.
 */
import type Database from 'better-sqlite3';
import type { Catalog } from './catalog.ts';

export type VerificationLevel = 'metadata' | 'daily' | 'full';

export interface VerificationRecord {
  id: number;
  time: string;
  level: VerificationLevel;
  destination: string;
  ok: boolean;
  snapshotId: string | null;
  report: unknown;
}

export interface PackRead {
  lastReadAt: string;
  ok: boolean;
}

interface VerificationRow {
  id: number; time: string; level: VerificationLevel; destination: string; ok: number;
  snapshot_id: string | null; report: string | null;
}

export class VerificationStore {
  private readonly db: Database.Database;

  constructor(catalog: Catalog) {
    this.db = catalog.database;
  }

  record(entry: Omit<VerificationRecord, 'id'>): number {
    const info = this.db
      .prepare('INSERT INTO verifications (time, level, destination, ok, snapshot_id, report) VALUES (?, ?, ?, ?, ?, ?)')
      .run(entry.time, entry.level, entry.destination, entry.ok ? 1 : 0, entry.snapshotId, entry.report === undefined ? null : JSON.stringify(entry.report));
    return Number(info.lastInsertRowid);
  }

  /** The newest verification, optionally of one level and/or destination. */
  latest(filter: { level?: VerificationLevel; destination?: string } = {}): VerificationRecord | null {
    return this.recent(1, filter)[0] ?? null;
  }

  recent(limit: number, filter: { level?: VerificationLevel; destination?: string } = {}): VerificationRecord[] {
    const where: string[] = [];
    const args: (string | number)[] = [];
    if (filter.level) {
      where.push('level = ?');
      args.push(filter.level);
    }
    if (filter.destination) {
      where.push('destination = ?');
      args.push(filter.destination);
    }
    const sql = `SELECT * FROM verifications ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT ?`;
    const rows = this.db.prepare(sql).all(...args, limit) as VerificationRow[];
    return rows.map((r) => ({
      id: r.id, time: r.time, level: r.level, destination: r.destination, ok: r.ok === 1,
      snapshotId: r.snapshot_id, report: r.report === null ? null : JSON.parse(r.report),
    }));
  }

  /** Pack id -> when it was last read in full, for one repository. */
  packReads(repositoryId: string): Map<string, PackRead> {
    const rows = this.db.prepare('SELECT pack_id, last_read_at, ok FROM pack_reads WHERE repository_id = ?').all(repositoryId) as
      { pack_id: string; last_read_at: string; ok: number }[];
    return new Map(rows.map((r) => [r.pack_id, { lastReadAt: r.last_read_at, ok: r.ok === 1 }]));
  }

  recordPackReads(repositoryId: string, time: string, reads: readonly { packId: string; ok: boolean }[]): void {
    const upsert = this.db.prepare(
      `INSERT INTO pack_reads (repository_id, pack_id, last_read_at, ok) VALUES (?, ?, ?, ?)
       ON CONFLICT (repository_id, pack_id) DO UPDATE SET last_read_at = excluded.last_read_at, ok = excluded.ok`,
    );
    this.db.transaction(() => {
      for (const r of reads) upsert.run(repositoryId, r.packId, time, r.ok ? 1 : 0);
    })();
  }

  /** Forgets packs that no longer exist (removed by a prune), so the table does not grow forever. */
  forgetPacksExcept(repositoryId: string, existing: ReadonlySet<string>): number {
    const known = this.db.prepare('SELECT pack_id FROM pack_reads WHERE repository_id = ?').pluck().all(repositoryId) as string[];
    const gone = known.filter((id) => !existing.has(id));
    const remove = this.db.prepare('DELETE FROM pack_reads WHERE repository_id = ? AND pack_id = ?');
    this.db.transaction(() => {
      for (const id of gone) remove.run(repositoryId, id);
    })();
    return gone.length;
  }
}
