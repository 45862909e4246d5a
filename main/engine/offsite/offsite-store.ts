/**
 * The catalog's offsite drives and the copies made to them (tables from
 * migration 3). Movements (checkout / checkin) have their own store
 * (offsite-movements.ts). A drive row is the identity the copy job trusts:
 * file-system UUID, label and the marker id written on the drive at enrolment.
 */
import type Database from 'better-sqlite3';
import type { Catalog } from '../catalog/catalog.ts';

export interface EnrolledDrive {
  id: number;
  label: string;
  fsUuid: string;
  fsType: string | null;
  markerId: string;
  enrolledAt: string;
  retiredAt: string | null;
}

export interface OffsiteCopyRecord {
  id: number;
  driveId: number;
  runId: number | null;
  startedAt: string;
  finishedAt: string | null;
  /** null while running (or when the process died mid-copy). */
  ok: boolean | null;
  /** Time of the newest snapshot on the drive after the copy. */
  newestSnapshotTime: string | null;
  /** Every snapshot id on the drive after the copy. */
  snapshotIds: string[];
  filesCopied: number | null;
  bytesCopied: number | null;
  error: string | null;
}

export interface CopyFinish {
  finishedAt: Date;
  ok: boolean;
  newestSnapshotTime?: string | null;
  snapshotIds?: readonly string[];
  filesCopied?: number;
  bytesCopied?: number;
  error?: string;
}

interface DriveRow {
  id: number; label: string; fs_uuid: string; fs_type: string | null; marker_id: string; enrolled_at: string; retired_at: string | null;
}

interface CopyRow {
  id: number; drive_id: number; run_id: number | null; started_at: string; finished_at: string | null; ok: number | null;
  newest_snapshot_time: string | null; snapshot_ids: string | null; files_copied: number | null; bytes_copied: number | null; error: string | null;
}

export class OffsiteStore {
  private readonly db: Database.Database;

  constructor(catalog: Catalog) {
    this.db = catalog.database;
  }

  /** Enrolled drives by label; retired ones only when asked. */
  drives(options: { includeRetired?: boolean } = {}): EnrolledDrive[] {
    const sql = options.includeRetired ? 'SELECT * FROM offsite_drives ORDER BY label' : 'SELECT * FROM offsite_drives WHERE retired_at IS NULL ORDER BY label';
    return (this.db.prepare(sql).all() as DriveRow[]).map(toDrive);
  }

  driveById(id: number): EnrolledDrive | null {
    const row = this.db.prepare('SELECT * FROM offsite_drives WHERE id = ?').get(id) as DriveRow | undefined;
    return row ? toDrive(row) : null;
  }

  driveByLabel(label: string): EnrolledDrive | null {
    const row = this.db.prepare('SELECT * FROM offsite_drives WHERE label = ?').get(label) as DriveRow | undefined;
    return row ? toDrive(row) : null;
  }

  driveByUuid(fsUuid: string): EnrolledDrive | null {
    const row = this.db.prepare('SELECT * FROM offsite_drives WHERE fs_uuid = ?').get(fsUuid) as DriveRow | undefined;
    return row ? toDrive(row) : null;
  }

  addDrive(drive: Omit<EnrolledDrive, 'id' | 'retiredAt'>): EnrolledDrive {
    const info = this.db
      .prepare('INSERT INTO offsite_drives (label, fs_uuid, fs_type, marker_id, enrolled_at) VALUES (?, ?, ?, ?, ?)')
      .run(drive.label, drive.fsUuid, drive.fsType, drive.markerId, drive.enrolledAt);
    return { ...drive, id: Number(info.lastInsertRowid), retiredAt: null };
  }

  /** Opens a copy row before anything is written, so a copy cut by kill -9 still shows (ok stays null). */
  startCopy(driveId: number, runId: number | null, startedAt: Date): number {
    const info = this.db
      .prepare('INSERT INTO offsite_copies (drive_id, run_id, started_at) VALUES (?, ?, ?)')
      .run(driveId, runId, startedAt.toISOString());
    return Number(info.lastInsertRowid);
  }

  finishCopy(copyId: number, finish: CopyFinish): void {
    this.db
      .prepare(`UPDATE offsite_copies SET finished_at = ?, ok = ?, newest_snapshot_time = ?, snapshot_ids = ?,
                files_copied = ?, bytes_copied = ?, error = ? WHERE id = ?`)
      .run(
        finish.finishedAt.toISOString(), finish.ok ? 1 : 0, finish.newestSnapshotTime ?? null,
        finish.snapshotIds ? JSON.stringify(finish.snapshotIds) : null, finish.filesCopied ?? null,
        finish.bytesCopied ?? null, finish.error ?? null, copyId,
      );
  }

  /** The newest copy to a drive (successful ones only when asked). */
  lastCopy(driveId: number, options: { okOnly?: boolean } = {}): OffsiteCopyRecord | null {
    const sql = `SELECT * FROM offsite_copies WHERE drive_id = ?${options.okOnly ? ' AND ok = 1' : ''} ORDER BY id DESC LIMIT 1`;
    const row = this.db.prepare(sql).get(driveId) as CopyRow | undefined;
    return row ? toCopy(row) : null;
  }

  /** Copies newest first, of one drive or of all. */
  copies(options: { driveId?: number; limit?: number } = {}): OffsiteCopyRecord[] {
    const limit = options.limit ?? 100;
    const rows = (options.driveId === undefined
      ? this.db.prepare('SELECT * FROM offsite_copies ORDER BY id DESC LIMIT ?').all(limit)
      : this.db.prepare('SELECT * FROM offsite_copies WHERE drive_id = ? ORDER BY id DESC LIMIT ?').all(options.driveId, limit)) as CopyRow[];
    return rows.map(toCopy);
  }
}

function toDrive(row: DriveRow): EnrolledDrive {
  return {
    id: row.id, label: row.label, fsUuid: row.fs_uuid, fsType: row.fs_type, markerId: row.marker_id,
    enrolledAt: row.enrolled_at, retiredAt: row.retired_at,
  };
}

function toCopy(row: CopyRow): OffsiteCopyRecord {
  return {
    id: row.id, driveId: row.drive_id, runId: row.run_id, startedAt: row.started_at, finishedAt: row.finished_at,
    ok: row.ok === null ? null : row.ok === 1, newestSnapshotTime: row.newest_snapshot_time,
    snapshotIds: row.snapshot_ids ? (JSON.parse(row.snapshot_ids) as string[]) : [],
    filesCopied: row.files_copied, bytesCopied: row.bytes_copied, error: row.error,
  };
}
