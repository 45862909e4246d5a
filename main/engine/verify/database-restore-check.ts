/**
 * Verifies a database snapshot the only way that proves it: restore it to a
 * temporary folder and check the copy (SQLite integrity_check, the required
 * tables, row counts and SHA-256) against what was recorded at backup time,
 * both in the snapshot's manifest and in the catalog's snapshots row. The
 * copy is always removed. Used by the daily verification and by drills.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { SnapshotRecord } from '../catalog/catalog.ts';
import { describeError } from '../errors.ts';
import type { Repository } from '../repo/repository.ts';
import type { Id, SnapshotEntry } from '../repo/types.ts';
import { tempOwnerTag } from '../home/tmp-sweep.ts';
import { restoreDatabase } from '../restore/restore-database.ts';
import { readDatabaseSnapshot } from '../sources/sqlite/read-database-snapshot.ts';
import { allPassed, compareCheck, compareCounts, type CheckResult } from './check-result.ts';

export interface DatabaseRestoreCheck {
  snapshotId: Id;
  snapshotTime: string;
  source: string;
  ok: boolean;
  checks: CheckResult[];
  /** Wall time of the restore including its integrity_check: the database's recovery time. */
  restoreMs: number;
  size: number | null;
  sha256: string | null;
  tables: Record<string, number> | null;
}

/** What the catalog recorded when the snapshot was taken (its `verification` column holds the manifest's). */
function recordedTables(record: SnapshotRecord): Record<string, number> | null {
  const v = record.verification as { tables?: unknown } | null;
  return v && typeof v.tables === 'object' && v.tables !== null ? (v.tables as Record<string, number>) : null;
}

export async function checkDatabaseByRestore(
  repo: Repository,
  entry: SnapshotEntry,
  opts: { tmpDir: string; catalogRecord: SnapshotRecord | null; signal?: AbortSignal },
): Promise<DatabaseRestoreCheck> {
  const out: DatabaseRestoreCheck = {
    snapshotId: entry.id, snapshotTime: entry.snapshot.time, source: entry.snapshot.paths.join(', '),
    ok: false, checks: [], restoreMs: 0, size: null, sha256: null, tables: null,
  };
  let manifest;
  try {
    manifest = (await readDatabaseSnapshot(repo, entry)).manifest;
  } catch (err) {
    out.checks.push({ name: 'manifest', result: 'fail', detail: describeError(err) });
    return out;
  }
  out.source = manifest.source;
  const folder = await mkdtemp(join(opts.tmpDir, `verify-db-${tempOwnerTag()}-`));
  try {
    const started = performance.now();
    let restored;
    try {
      restored = await restoreDatabase(repo, entry.id, { to: join(folder, 'restored.db'), ...(opts.signal ? { signal: opts.signal } : {}) });
    } catch (err) {
      // A cancellation is not a finding about the backup: let it end the job instead.
      if (opts.signal?.aborted) throw err;
      out.restoreMs = Math.round(performance.now() - started);
      // restoreDatabase refuses a copy whose hash, integrity_check, tables or row counts are wrong; its message says which.
      out.checks.push({ name: 'restore', result: 'fail', detail: describeError(err) });
      return out;
    }
    out.restoreMs = Math.round(performance.now() - started);
    out.size = restored.size;
    out.sha256 = restored.sha256;
    out.tables = restored.tables;
    const required = manifest.verification.required_tables;
    const missing = required.filter((t) => restored.tables[t] === undefined);
    out.checks.push(
      { name: 'restore', result: 'pass', detail: `${restored.size} bytes in ${out.restoreMs} ms` },
      compareCheck('integrity_check', 'ok', restored.integrityCheck),
      { name: 'required tables', result: missing.length === 0 ? 'pass' : 'fail', expected: required.join(', '), actual: Object.keys(restored.tables).join(', ') },
      compareCheck('SHA-256 = manifest', manifest.sha256, restored.sha256),
      compareCheck('size = manifest', manifest.size, restored.size),
      compareCounts('row counts = manifest', manifest.verification.tables, restored.tables),
    );
    const record = opts.catalogRecord;
    if (!record) {
      out.checks.push({ name: 'catalog record', result: 'skipped', detail: 'this catalog has no record of the snapshot (taken on another host, or the catalog was rebuilt); compared with its manifest only' });
    } else {
      out.checks.push(compareCheck('SHA-256 = catalog', record.sha256 ?? '(none recorded)', restored.sha256));
      if (record.sizeBytes !== null) out.checks.push(compareCheck('size = catalog', record.sizeBytes, restored.size));
      const tables = recordedTables(record);
      out.checks.push(tables ? compareCounts('row counts = catalog', tables, restored.tables) : { name: 'row counts = catalog', result: 'skipped', detail: 'no row counts recorded' });
    }
    out.ok = allPassed(out.checks);
    return out;
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
}
