/**
 * Legal holds in the catalog (legal_holds, migration 4). Holds are never
 * deleted: releasing one records when, why and by whom, so the history of
 * every hold stays available to an auditor.
 */
import type { Catalog } from '../catalog/catalog.ts';
import { BackupError, ConfigError } from '../errors.ts';
import type { Hold, HoldScope } from './holds.ts';

interface HoldRow {
  id: number; created_at: string; reason: string; scope: 'snapshot' | 'range' | 'class';
  snapshot_id: string | null; range_from: string | null; range_to: string | null; class_name: string | null;
  created_by: string; released_at: string | null; release_reason: string | null; released_by: string | null;
}

function scopeOf(row: HoldRow): HoldScope {
  if (row.scope === 'snapshot') return { type: 'snapshot', snapshotId: row.snapshot_id ?? '' };
  if (row.scope === 'class') return { type: 'class', className: row.class_name ?? '' };
  return { type: 'range', from: row.range_from ?? '', to: row.range_to ?? '' };
}

function toHold(row: HoldRow): Hold {
  return {
    id: row.id, createdAt: row.created_at, reason: row.reason, scope: scopeOf(row), createdBy: row.created_by,
    releasedAt: row.released_at, releaseReason: row.release_reason, releasedBy: row.released_by,
  };
}

export interface NewHold {
  scope: HoldScope;
  reason: string;
  createdBy: string;
  now: Date;
}

export function addHold(catalog: Catalog, hold: NewHold): Hold {
  const reason = hold.reason.trim();
  if (reason === '') throw new ConfigError('a legal hold needs a reason (--reason "SEC inquiry 2026-114")');
  const s = hold.scope;
  if (s.type === 'range' && Date.parse(s.from) > Date.parse(s.to)) {
    throw new ConfigError(`the hold's range starts (${s.from}) after it ends (${s.to}): swap --from and --to`);
  }
  const info = catalog.database
    .prepare(`INSERT INTO legal_holds (created_at, reason, scope, snapshot_id, range_from, range_to, class_name, created_by)
              VALUES (?, ?, ?, ?, ?, ?, ?, ?)`)
    .run(
      hold.now.toISOString(), reason, s.type,
      s.type === 'snapshot' ? s.snapshotId : null,
      s.type === 'range' ? s.from : null, s.type === 'range' ? s.to : null,
      s.type === 'class' ? s.className : null, hold.createdBy,
    );
  return getHold(catalog, Number(info.lastInsertRowid))!;
}

export function getHold(catalog: Catalog, id: number): Hold | null {
  const row = catalog.database.prepare('SELECT * FROM legal_holds WHERE id = ?').get(id) as HoldRow | undefined;
  return row ? toHold(row) : null;
}

/** Every hold ever placed, released ones included, oldest first. */
export function allHolds(catalog: Catalog): Hold[] {
  return (catalog.database.prepare('SELECT * FROM legal_holds ORDER BY id').all() as HoldRow[]).map(toHold);
}

export function activeHolds(catalog: Catalog): Hold[] {
  return (catalog.database.prepare('SELECT * FROM legal_holds WHERE released_at IS NULL ORDER BY id').all() as HoldRow[]).map(toHold);
}

/** Releases an active hold, recording when, why and by whom; the row stays. */
export function releaseHold(catalog: Catalog, id: number, release: { reason: string; releasedBy: string; now: Date }): Hold {
  const reason = release.reason.trim();
  if (reason === '') throw new ConfigError(`releasing legal hold #${id} needs a reason (--reason "inquiry closed")`);
  const existing = getHold(catalog, id);
  if (!existing) throw new BackupError('not-found', `there is no legal hold #${id}: see \`quantai-backup hold list\``);
  if (existing.releasedAt !== null) {
    throw new BackupError('permanent', `legal hold #${id} was already released on ${existing.releasedAt} (${existing.releaseReason ?? ''})`);
  }
  catalog.database
    .prepare('UPDATE legal_holds SET released_at = ?, release_reason = ?, released_by = ? WHERE id = ? AND released_at IS NULL')
    .run(release.now.toISOString(), reason, release.releasedBy, id);
  return getHold(catalog, id)!;
}
