/**
 * The snapshots retention removed (forgotten_snapshots, migration 4). A
 * forgotten snapshot's catalog row moves here, so status and health stop
 * counting it while its facts (class, time, checksum, when it went) stay for
 * the compliance report.
 */
import type { Catalog } from '../catalog/catalog.ts';

export interface ForgottenSnapshot {
  repositoryId: string;
  snapshotId: string;
  time: string;
  className: string | null;
  hostname: string;
  paths: string[];
  tags: string[];
  forgottenAt: string;
  runId: number | null;
}

interface ForgottenRow {
  repository_id: string; snapshot_id: string; time: string; class_name: string | null; hostname: string;
  paths: string; tags: string; forgotten_at: string; run_id: number | null; sha256: string | null;
}

/** Records one removal and drops the snapshot's row from the live snapshots table, in one transaction. */
export function recordForgotten(catalog: Catalog, f: ForgottenSnapshot): void {
  const db = catalog.database;
  db.transaction(() => {
    const live = db.prepare('SELECT sha256 FROM snapshots WHERE id = ?').get(f.snapshotId) as { sha256: string | null } | undefined;
    db.prepare(`INSERT OR REPLACE INTO forgotten_snapshots
                (repository_id, snapshot_id, time, class_name, hostname, paths, tags, forgotten_at, run_id, sha256)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
      .run(f.repositoryId, f.snapshotId, f.time, f.className, f.hostname, JSON.stringify(f.paths), JSON.stringify(f.tags),
        f.forgottenAt, f.runId, live?.sha256 ?? null);
    db.prepare('DELETE FROM snapshots WHERE id = ?').run(f.snapshotId);
  })();
}

export function forgottenSnapshots(catalog: Catalog, repositoryId?: string): ForgottenSnapshot[] {
  const rows = (repositoryId === undefined
    ? catalog.database.prepare('SELECT * FROM forgotten_snapshots ORDER BY forgotten_at, time').all()
    : catalog.database.prepare('SELECT * FROM forgotten_snapshots WHERE repository_id = ? ORDER BY forgotten_at, time').all(repositoryId)) as ForgottenRow[];
  return rows.map((r) => ({
    repositoryId: r.repository_id, snapshotId: r.snapshot_id, time: r.time, className: r.class_name, hostname: r.hostname,
    paths: JSON.parse(r.paths) as string[], tags: JSON.parse(r.tags) as string[], forgottenAt: r.forgotten_at, runId: r.run_id,
  }));
}
