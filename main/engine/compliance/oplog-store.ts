/**
 * The catalog's copy of the operations log (migration 5): the `oplog` table
 * holds every entry as appended, `oplog_batches` which repository files hold
 * which entries. Appends take an IMMEDIATE transaction so two processes (the
 * scheduler's children) never hand out the same sequence number.
 */
import type Database from 'better-sqlite3';
import type { Catalog } from '../catalog/catalog.ts';
import { GENESIS_HASH, sealEntry, type OplogEntry, type OplogEntryFields } from './oplog-chain.ts';

interface OplogRow {
  seq: number; time: string; host: string; user: string; type: string; summary: string;
  data: string | null; prev_hash: string; hash: string;
}

export interface OplogBatchRecord {
  repositoryId: string;
  name: string;
  firstSeq: number;
  lastSeq: number;
  writtenAt: string;
}

const fromRow = (row: OplogRow): OplogEntry => ({
  seq: row.seq, time: row.time, host: row.host, user: row.user, type: row.type, summary: row.summary,
  data: row.data === null ? null : (JSON.parse(row.data) as Record<string, unknown>),
  prevHash: row.prev_hash, hash: row.hash,
});

export class OplogStore {
  private readonly db: Database.Database;

  constructor(catalog: Catalog) {
    this.db = catalog.database;
  }

  /** Seals the next entry onto the chain's head and stores it, atomically with reading the head. */
  append(fields: Omit<OplogEntryFields, 'seq' | 'prevHash'>): OplogEntry {
    const run = this.db.transaction(() => {
      const head = this.db.prepare('SELECT seq, hash FROM oplog ORDER BY seq DESC LIMIT 1').get() as { seq: number; hash: string } | undefined;
      const entry = sealEntry({ ...fields, seq: (head?.seq ?? 0) + 1, prevHash: head?.hash ?? GENESIS_HASH });
      this.db
        .prepare('INSERT INTO oplog (seq, time, host, user, type, summary, data, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)')
        .run(entry.seq, entry.time, entry.host, entry.user, entry.type, entry.summary,
          entry.data === null ? null : JSON.stringify(entry.data), entry.prevHash, entry.hash);
      return entry;
    });
    return run.immediate();
  }

  /** Entries with seq in [from, to] (to: the head when absent), in order. */
  entries(from = 1, to = Number.MAX_SAFE_INTEGER): OplogEntry[] {
    const rows = this.db.prepare('SELECT * FROM oplog WHERE seq BETWEEN ? AND ? ORDER BY seq').all(from, to) as OplogRow[];
    return rows.map(fromRow);
  }

  headSeq(): number {
    const row = this.db.prepare('SELECT MAX(seq) AS seq FROM oplog').get() as { seq: number | null };
    return row.seq ?? 0;
  }

  entriesOfType(types: readonly string[]): OplogEntry[] {
    if (types.length === 0) return [];
    const rows = this.db
      .prepare(`SELECT * FROM oplog WHERE type IN (${types.map(() => '?').join(',')}) ORDER BY seq`)
      .all(...types) as OplogRow[];
    return rows.map(fromRow);
  }

  recordBatch(batch: OplogBatchRecord): void {
    this.db
      .prepare(`INSERT OR IGNORE INTO oplog_batches (repository_id, name, first_seq, last_seq, written_at) VALUES (?, ?, ?, ?, ?)`)
      .run(batch.repositoryId, batch.name, batch.firstSeq, batch.lastSeq, batch.writtenAt);
  }

  /** The highest sequence recorded as written to that repository (0: none): one indexed lookup. */
  flushedThrough(repositoryId: string): number {
    const row = this.db.prepare('SELECT MAX(last_seq) AS seq FROM oplog_batches WHERE repository_id = ?').get(repositoryId) as { seq: number | null };
    return row.seq ?? 0;
  }

  batches(repositoryId: string): OplogBatchRecord[] {
    const rows = this.db
      .prepare('SELECT * FROM oplog_batches WHERE repository_id = ? ORDER BY first_seq, last_seq')
      .all(repositoryId) as { repository_id: string; name: string; first_seq: number; last_seq: number; written_at: string }[];
    return rows.map((r) => ({ repositoryId: r.repository_id, name: r.name, firstSeq: r.first_seq, lastSeq: r.last_seq, writtenAt: r.written_at }));
  }
}
