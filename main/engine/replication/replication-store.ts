/**
 * Replication state in the catalog (migration 6): where shipping stands for
 * each database (for `replication status`, health and a quick resume) and one
 * lag sample per shipped segment. The repository's wal/ folder is the truth on
 * resume; this is the local view of it.
 */
import type Database from 'better-sqlite3';
import type { WalPosition } from './wal-segment-codec.ts';

export type ReplicationStateName = 'starting' | 'replicating' | 'stopped' | 'failed';

export interface ReplicationStateRecord {
  dbPath: string;
  repositoryId: string;
  generation: string;
  generationAt: string;
  /** Last shipped frame sequence of the generation (0: only the base). */
  frameSeq: number;
  walPosition: WalPosition;
  /** Observed time of the last shipped commit (ISO). */
  lastCommitAt: string | null;
  /** When the last segment became durable (ISO). */
  lastShippedAt: string | null;
  state: ReplicationStateName;
  stateMessage: string | null;
  pid: number | null;
  updatedAt: string;
}

export interface LagSample {
  time: string;
  lagMs: number;
  commits: number;
  frames: number;
  bytes: number;
}

interface StateRow {
  db_path: string;
  repository_id: string;
  generation: string;
  generation_at: string;
  frame_seq: number;
  wal_position: string;
  last_commit_at: string | null;
  last_shipped_at: string | null;
  state: ReplicationStateName;
  state_message: string | null;
  pid: number | null;
  updated_at: string;
}

/** Lag samples older than this are deleted as new ones arrive. */
const LAG_KEEP_MS = 24 * 3600_000;

export class ReplicationStore {
  private readonly db: Database.Database;

  constructor(db: Database.Database) {
    this.db = db;
  }

  save(record: ReplicationStateRecord): void {
    this.db
      .prepare(`INSERT INTO replication_state (db_path, repository_id, generation, generation_at, frame_seq, wal_position,
                  last_commit_at, last_shipped_at, state, state_message, pid, updated_at)
                VALUES (@db_path, @repository_id, @generation, @generation_at, @frame_seq, @wal_position,
                  @last_commit_at, @last_shipped_at, @state, @state_message, @pid, @updated_at)
                ON CONFLICT (db_path) DO UPDATE SET repository_id = excluded.repository_id, generation = excluded.generation,
                  generation_at = excluded.generation_at, frame_seq = excluded.frame_seq, wal_position = excluded.wal_position,
                  last_commit_at = excluded.last_commit_at, last_shipped_at = excluded.last_shipped_at, state = excluded.state,
                  state_message = excluded.state_message, pid = excluded.pid, updated_at = excluded.updated_at`)
      .run({
        db_path: record.dbPath, repository_id: record.repositoryId, generation: record.generation, generation_at: record.generationAt,
        frame_seq: record.frameSeq, wal_position: JSON.stringify(record.walPosition), last_commit_at: record.lastCommitAt,
        last_shipped_at: record.lastShippedAt, state: record.state, state_message: record.stateMessage, pid: record.pid,
        updated_at: record.updatedAt,
      });
  }

  get(dbPath: string): ReplicationStateRecord | null {
    const row = this.db.prepare('SELECT * FROM replication_state WHERE db_path = ?').get(dbPath) as StateRow | undefined;
    return row ? fromRow(row) : null;
  }

  all(): ReplicationStateRecord[] {
    return (this.db.prepare('SELECT * FROM replication_state ORDER BY db_path').all() as StateRow[]).map(fromRow);
  }

  addLag(dbPath: string, sample: LagSample): void {
    this.db
      .prepare('INSERT INTO replication_lag (db_path, time, lag_ms, commits, frames, bytes) VALUES (?, ?, ?, ?, ?, ?)')
      .run(dbPath, sample.time, sample.lagMs, sample.commits, sample.frames, sample.bytes);
    const cutoff = new Date(Date.parse(sample.time) - LAG_KEEP_MS).toISOString();
    this.db.prepare('DELETE FROM replication_lag WHERE db_path = ? AND time < ?').run(dbPath, cutoff);
  }

  /** Lag samples since `since` (ISO), oldest first. */
  lagSince(dbPath: string, since: string): LagSample[] {
    return this.db
      .prepare('SELECT time, lag_ms AS lagMs, commits, frames, bytes FROM replication_lag WHERE db_path = ? AND time >= ? ORDER BY time')
      .all(dbPath, since) as LagSample[];
  }
}

function fromRow(row: StateRow): ReplicationStateRecord {
  return {
    dbPath: row.db_path, repositoryId: row.repository_id, generation: row.generation, generationAt: row.generation_at,
    frameSeq: row.frame_seq, walPosition: JSON.parse(row.wal_position) as WalPosition, lastCommitAt: row.last_commit_at,
    lastShippedAt: row.last_shipped_at, state: row.state, stateMessage: row.state_message, pid: row.pid, updatedAt: row.updated_at,
  };
}
