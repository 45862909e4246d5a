/**
 * The catalog: what ran, what it produced and what happened, kept in the home
 * folder so status, health and reports can answer without opening the
 * repository. The repository stays the source of truth for data; the catalog
 * can be rebuilt from it and never holds secrets.
 */
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { BackupError } from '../errors.ts';
import { CATALOG_MIGRATIONS } from './catalog-schema.ts';

export type RunResult = 'running' | 'success' | 'warning' | 'failed' | 'interrupted' | 'skipped';

export interface RunRecord {
  id: number;
  job: string;
  startedAt: string;
  endedAt: string | null;
  result: RunResult;
  bytesAdded: number | null;
  snapshotId: string | null;
  errorKind: string | null;
  errorMessage: string | null;
  details: unknown;
}

export interface SnapshotRecord {
  id: string;
  repositoryId: string;
  time: string;
  kind: 'sqlite' | 'files';
  tier: number;
  source: string;
  treeId: string;
  sizeBytes: number | null;
  bytesAdded: number;
  sha256: string | null;
  verification: unknown;
  runId: number | null;
}

export interface EventRecord {
  id: number;
  time: string;
  level: 'info' | 'warning' | 'error';
  type: string;
  message: string;
  data: unknown;
}

interface RunRow {
  id: number; job: string; started_at: string; ended_at: string | null; result: RunResult;
  bytes_added: number | null; snapshot_id: string | null; error_kind: string | null;
  error_message: string | null; details: string | null;
}

interface SnapshotRow {
  id: string; repository_id: string; time: string; kind: 'sqlite' | 'files'; tier: number; source: string;
  tree_id: string; size_bytes: number | null; bytes_added: number; sha256: string | null;
  verification: string | null; run_id: number | null;
}

const parseJson = (text: string | null): unknown => (text === null ? null : JSON.parse(text));

export class Catalog {
  private readonly db: Database.Database;

  private constructor(db: Database.Database) {
    this.db = db;
  }

  static open(path: string): Catalog {
    mkdirSync(dirname(path), { recursive: true });
    let db: Database.Database;
    try {
      db = new Database(path);
      db.pragma('journal_mode = WAL');
      db.pragma('busy_timeout = 5000');
      db.pragma('foreign_keys = ON');
    } catch (err) {
      throw new BackupError('permanent', `cannot open the catalog ${path}: ${(err as Error).message}`);
    }
    const catalog = new Catalog(db);
    catalog.migrate();
    return catalog;
  }

  private migrate(): void {
    const current = this.db.pragma('user_version', { simple: true }) as number;
    if (current > CATALOG_MIGRATIONS.length) {
      throw new BackupError('fatal', `the catalog was written by a newer version of QuantAI Backup (schema ${current}); upgrade this program`);
    }
    for (let version = current; version < CATALOG_MIGRATIONS.length; version++) {
      this.db.transaction(() => {
        this.db.exec(CATALOG_MIGRATIONS[version]!);
        this.db.pragma(`user_version = ${version + 1}`);
      })();
    }
  }

  close(): void {
    this.db.close();
  }

  /**
   * The open state database, for the stores of later features (catalog/*-store.ts),
   * each owning its own tables from the migrations.
   */
  get database(): Database.Database {
    return this.db;
  }

  startRun(job: string, startedAt: Date): number {
    const info = this.db
      .prepare('INSERT INTO runs (job, started_at, result, host_pid) VALUES (?, ?, ?, ?)')
      .run(job, startedAt.toISOString(), 'running', process.pid);
    return Number(info.lastInsertRowid);
  }

  finishRun(id: number, outcome: {
    endedAt: Date; result: Exclude<RunResult, 'running'>; bytesAdded?: number; snapshotId?: string;
    errorKind?: string; errorMessage?: string; details?: unknown;
  }): void {
    this.db
      .prepare(`UPDATE runs SET ended_at = ?, result = ?, bytes_added = ?, snapshot_id = ?, error_kind = ?,
                error_message = ?, details = ? WHERE id = ?`)
      .run(
        outcome.endedAt.toISOString(), outcome.result, outcome.bytesAdded ?? null, outcome.snapshotId ?? null,
        outcome.errorKind ?? null, outcome.errorMessage ?? null,
        outcome.details === undefined ? null : JSON.stringify(outcome.details), id,
      );
  }

  /**
   * Runs left 'running' by a process that no longer exists were killed (kill -9,
   * power loss): mark them interrupted so status never shows a ghost job.
   */
  markInterruptedRuns(now: Date, isAlive: (pid: number) => boolean): number {
    const rows = this.db.prepare("SELECT id, host_pid FROM runs WHERE result = 'running'").all() as { id: number; host_pid: number }[];
    let count = 0;
    for (const row of rows) {
      if (row.host_pid === process.pid || isAlive(row.host_pid)) continue;
      this.db
        .prepare("UPDATE runs SET result = 'interrupted', ended_at = ?, error_kind = 'fatal', error_message = ? WHERE id = ?")
        .run(now.toISOString(), 'the process running this job stopped before it finished', row.id);
      count++;
    }
    return count;
  }

  recentRuns(limit = 20, job?: string): RunRecord[] {
    const rows = (job
      ? this.db.prepare('SELECT * FROM runs WHERE job = ? ORDER BY id DESC LIMIT ?').all(job, limit)
      : this.db.prepare('SELECT * FROM runs ORDER BY id DESC LIMIT ?').all(limit)) as RunRow[];
    return rows.map(toRunRecord);
  }

  lastRun(job: string, result?: RunResult): RunRecord | null {
    const row = (result
      ? this.db.prepare('SELECT * FROM runs WHERE job = ? AND result = ? ORDER BY id DESC LIMIT 1').get(job, result)
      : this.db.prepare('SELECT * FROM runs WHERE job = ? ORDER BY id DESC LIMIT 1').get(job)) as RunRow | undefined;
    return row ? toRunRecord(row) : null;
  }

  recordSnapshot(record: SnapshotRecord): void {
    this.db
      .prepare(`INSERT OR REPLACE INTO snapshots (id, repository_id, time, kind, tier, source, tree_id, size_bytes,
                bytes_added, sha256, verification, run_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
      .run(
        record.id, record.repositoryId, record.time, record.kind, record.tier, record.source, record.treeId,
        record.sizeBytes, record.bytesAdded, record.sha256,
        record.verification === undefined ? null : JSON.stringify(record.verification), record.runId,
      );
  }

  snapshotRecord(id: string): SnapshotRecord | null {
    const row = this.db.prepare('SELECT * FROM snapshots WHERE id = ?').get(id) as SnapshotRow | undefined;
    return row ? toSnapshotRecord(row) : null;
  }

  latestSnapshot(kind: 'sqlite' | 'files'): SnapshotRecord | null {
    const row = this.db.prepare('SELECT * FROM snapshots WHERE kind = ? ORDER BY time DESC LIMIT 1').get(kind) as SnapshotRow | undefined;
    return row ? toSnapshotRecord(row) : null;
  }

  addEvent(event: Omit<EventRecord, 'id'>): void {
    this.db
      .prepare('INSERT INTO events (time, level, type, message, data) VALUES (?, ?, ?, ?, ?)')
      .run(event.time, event.level, event.type, event.message, event.data === undefined ? null : JSON.stringify(event.data));
  }

  recentEvents(limit = 50): EventRecord[] {
    const rows = this.db.prepare('SELECT * FROM events ORDER BY id DESC LIMIT ?').all(limit) as
      { id: number; time: string; level: EventRecord['level']; type: string; message: string; data: string | null }[];
    return rows.map((r) => ({ ...r, data: parseJson(r.data) }));
  }
}

function toRunRecord(row: RunRow): RunRecord {
  return {
    id: row.id, job: row.job, startedAt: row.started_at, endedAt: row.ended_at, result: row.result,
    bytesAdded: row.bytes_added, snapshotId: row.snapshot_id, errorKind: row.error_kind,
    errorMessage: row.error_message, details: parseJson(row.details),
  };
}

function toSnapshotRecord(row: SnapshotRow): SnapshotRecord {
  return {
    id: row.id, repositoryId: row.repository_id, time: row.time, kind: row.kind, tier: row.tier,
    source: row.source, treeId: row.tree_id, sizeBytes: row.size_bytes, bytesAdded: row.bytes_added,
    sha256: row.sha256, verification: parseJson(row.verification), runId: row.run_id,
  };
}
