/**
 * The rotation register in the catalog: which drive is where, read as facts
 * for the rotation rules, and the trips recorded by `offsite checkout` /
 * `offsite checkin`. Nonsense (a drive already out, an unknown label) is
 * refused with one line saying what to do; nothing is written then.
 */
import type Database from 'better-sqlite3';
import type { Catalog } from '../catalog/catalog.ts';
import { BackupError } from '../errors.ts';
import { driveLocation, type CopyFact, type DriveFacts, type MovementFact } from './rotation.ts';

type Db = Database.Database;

interface DriveRow {
  id: number; label: string; fs_uuid: string; fs_type: string | null; enrolled_at: string; retired_at: string | null;
}
interface CopyRow {
  started_at: string; finished_at: string | null; ok: number | null; newest_snapshot_time: string | null;
  snapshot_ids: string | null; error: string | null;
}
interface MovementRow { kind: 'checkout' | 'checkin'; time: string; note: string | null }

export interface MovementResult {
  label: string;
  kind: 'checkout' | 'checkin';
  time: string;
  note: string | null;
  /** The drive's previous movement of the other kind (when it came back / when it left), if any. */
  previous: MovementFact | null;
}

function snapshotCount(ids: string | null): number {
  if (ids === null) return 0;
  try {
    const parsed: unknown = JSON.parse(ids);
    return Array.isArray(parsed) ? parsed.length : 0;
  } catch {
    // Not JSON: a separated list of IDs.
    return ids.split(/[\s,]+/).filter(Boolean).length;
  }
}

function toCopy(row: CopyRow | undefined): CopyFact | null {
  if (!row) return null;
  return {
    startedAt: row.started_at, finishedAt: row.finished_at, ok: row.ok === null ? null : row.ok === 1,
    newestSnapshotTime: row.newest_snapshot_time, snapshotCount: snapshotCount(row.snapshot_ids), error: row.error,
  };
}

function movement(db: Db, driveId: number, kind?: 'checkout' | 'checkin'): MovementFact | null {
  const row = (kind
    ? db.prepare('SELECT kind, time, note FROM offsite_movements WHERE drive_id = ? AND kind = ? ORDER BY id DESC LIMIT 1').get(driveId, kind)
    : db.prepare('SELECT kind, time, note FROM offsite_movements WHERE drive_id = ? ORDER BY id DESC LIMIT 1').get(driveId)) as MovementRow | undefined;
  return row ? { kind: row.kind, time: row.time, note: row.note } : null;
}

function factsOf(db: Db, row: DriveRow): DriveFacts {
  const cols = 'started_at, finished_at, ok, newest_snapshot_time, snapshot_ids, error';
  return {
    label: row.label,
    fsUuid: row.fs_uuid,
    fsType: row.fs_type,
    enrolledAt: row.enrolled_at,
    retiredAt: row.retired_at,
    lastCopy: toCopy(db.prepare(`SELECT ${cols} FROM offsite_copies WHERE drive_id = ? ORDER BY id DESC LIMIT 1`).get(row.id) as CopyRow | undefined),
    lastOkCopy: toCopy(db.prepare(`SELECT ${cols} FROM offsite_copies WHERE drive_id = ? AND ok = 1 ORDER BY id DESC LIMIT 1`).get(row.id) as CopyRow | undefined),
    lastMovement: movement(db, row.id),
    lastCheckout: movement(db, row.id, 'checkout'),
    lastCheckin: movement(db, row.id, 'checkin'),
  };
}

/** Every enrolled drive (retired ones too), by label. */
export function readDriveFacts(catalog: Catalog): DriveFacts[] {
  const db = catalog.database;
  const rows = db.prepare('SELECT id, label, fs_uuid, fs_type, enrolled_at, retired_at FROM offsite_drives ORDER BY label').all() as DriveRow[];
  return rows.map((row) => factsOf(db, row));
}

function driveRow(db: Db, label: string): DriveRow {
  const row = db.prepare('SELECT id, label, fs_uuid, fs_type, enrolled_at, retired_at FROM offsite_drives WHERE label = ?').get(label) as DriveRow | undefined;
  if (row) return row;
  const known = (db.prepare('SELECT label FROM offsite_drives ORDER BY label').all() as { label: string }[]).map((r) => r.label);
  throw new BackupError('not-found', known.length > 0
    ? `no offsite drive is enrolled with the label '${label}' (enrolled: ${known.join(', ')}): check the label with \`quantai-backup offsite list\``
    : `no offsite drive is enrolled with the label '${label}': enrol one first with \`quantai-backup offsite enroll <mount> --label ${label}\``);
}

function record(catalog: Catalog, row: DriveRow, kind: 'checkout' | 'checkin', time: Date, note: string | null, previous: MovementFact | null): MovementResult {
  const iso = time.toISOString();
  const db = catalog.database;
  db.transaction(() => {
    db.prepare('INSERT INTO offsite_movements (drive_id, kind, time, note) VALUES (?, ?, ?, ?)').run(row.id, kind, iso, note);
    catalog.addEvent({
      time: iso, level: 'info', type: `offsite-${kind}`,
      message: kind === 'checkout' ? `offsite drive '${row.label}' taken offsite${note ? ` (${note})` : ''}` : `offsite drive '${row.label}' brought back onsite${note ? ` (${note})` : ''}`,
      data: { label: row.label, fsUuid: row.fs_uuid, note },
    });
  })();
  return { label: row.label, kind, time: iso, note, previous };
}

/**
 * The drive left for the facility. Refused when it is already out, retired,
 * or holds no completed copy (an empty drive offsite protects nothing) unless `force`.
 */
export function checkoutDrive(catalog: Catalog, label: string, time: Date, options: { note?: string; force?: boolean } = {}): MovementResult {
  const db = catalog.database;
  const row = driveRow(db, label);
  const facts = factsOf(db, row);
  const where = driveLocation(facts);
  if (where === 'retired') throw new BackupError('permanent', `offsite drive '${label}' was retired on ${row.retired_at}: it is no longer in the rotation`);
  if (where === 'offsite') {
    throw new BackupError('permanent', `offsite drive '${label}' is already checked out (since ${facts.lastMovement?.time}): record its return first with \`quantai-backup offsite checkin ${label}\``);
  }
  const copying = db.prepare(`SELECT r.id, r.started_at FROM offsite_copies c JOIN runs r ON r.id = c.run_id
                               WHERE c.drive_id = ? AND c.ok IS NULL AND r.result = 'running' ORDER BY c.id DESC LIMIT 1`).get(row.id) as
    { id: number; started_at: string } | undefined;
  if (copying) {
    throw new BackupError('permanent', `a copy to offsite drive '${label}' is running (run ${copying.id}, started ${copying.started_at}): let it finish, eject the drive with \`quantai-backup offsite eject ${label}\`, then check it out`);
  }
  if (!facts.lastOkCopy && !options.force) {
    throw new BackupError('permanent', `offsite drive '${label}' holds no completed copy, so taking it offsite protects nothing: run \`quantai-backup offsite copy\` with it connected first (or pass --force)`);
  }
  return record(catalog, row, 'checkout', time, options.note ?? null, facts.lastCheckin);
}

/** The drive came back from the facility. Refused when it is not out. */
export function checkinDrive(catalog: Catalog, label: string, time: Date, options: { note?: string } = {}): MovementResult {
  const db = catalog.database;
  const row = driveRow(db, label);
  const facts = factsOf(db, row);
  const where = driveLocation(facts);
  if (where === 'retired') throw new BackupError('permanent', `offsite drive '${label}' was retired on ${row.retired_at}: it is no longer in the rotation`);
  if (where !== 'offsite') {
    throw new BackupError('permanent', `offsite drive '${label}' is not checked out: it is onsite${facts.lastCheckin ? ` since ${facts.lastCheckin.time}` : ''}, so there is nothing to check in`);
  }
  return record(catalog, row, 'checkin', time, options.note ?? null, facts.lastCheckout);
}
