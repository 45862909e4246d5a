/**
 * The daily and full rungs of the verification ladder for one destination:
 * the repository's structure (index vs packs, every snapshot's trees and
 * blobs), pack data read in full (a rotating share daily, everything for
 * 'full'), and the latest database snapshot restored and checked.
 */
import { mkdir } from 'node:fs/promises';
import type { Catalog } from '../catalog/catalog.ts';
import { VerificationStore } from '../catalog/verification-store.ts';
import type { Clock } from '../clock.ts';
import { checkRepository, type CheckError } from '../repo/check.ts';
import { packSizeOf } from '../repo/pack.ts';
import type { Repository } from '../repo/repository.ts';
import type { Id } from '../repo/types.ts';
import { checkDatabaseByRestore, type DatabaseRestoreCheck } from './database-restore-check.ts';
import { planPackRotation } from './pack-rotation.ts';

export type VerifyLevel = 'daily' | 'full';

export interface DamagedPack {
  pack: Id;
  /** Snapshots that need a blob of this pack. */
  snapshots: Id[];
  messages: string[];
}

export interface VerificationReport {
  ok: boolean;
  level: VerifyLevel;
  destination: string;
  location: string;
  repositoryId: string;
  time: string;
  errors: CheckError[];
  warnings: string[];
  damagedPacks: DamagedPack[];
  /** Every snapshot hurt by a problem found. */
  affectedSnapshots: Id[];
  packs: { total: number; read: number; quota: number; neverRead: number; overdue: number; bytesRead: number; readIds: Id[] };
  snapshots: number;
  trees: number;
  /** The latest database snapshot restored and checked; null when the repository has none. */
  database: DatabaseRestoreCheck | null;
}

export interface VerificationProgress {
  phase: 'reading packs' | 'checking snapshots' | 'restoring database';
  bytes: number;
  totalBytes: number;
}

export interface VerifyRepositoryOptions {
  level: VerifyLevel;
  destination: string;
  location: string;
  readAllWithinDays: number;
  tmpDir: string;
  catalog: Catalog;
  clock: Clock;
  signal?: AbortSignal;
  onProgress?: (p: VerificationProgress) => void;
}

export async function verifyRepository(repo: Repository, opts: VerifyRepositoryOptions): Promise<VerificationReport> {
  const store = new VerificationStore(opts.catalog);
  const now = opts.clock.now();
  const packEntries = repo.masterIndex.packEntries();
  store.forgetPacksExcept(repo.id, new Set(packEntries.keys()));

  const plan = planPackRotation({ packs: packEntries.keys(), reads: store.packReads(repo.id), now, readAllWithinDays: opts.level === 'full' ? 1 : opts.readAllWithinDays });
  const selected = new Set(plan.selected);
  let totalBytes = 0;
  for (const id of selected) totalBytes += packSizeOf(packEntries.get(id) ?? []);

  let bytesRead = 0;
  const check = await checkRepository(repo, {
    readData: true,
    packs: selected,
    onProgress: (p) => {
      // check.ts has no signal of its own; throwing here unwinds it between packs.
      opts.signal?.throwIfAborted();
      bytesRead = p.bytes;
      opts.onProgress?.({ phase: p.phase === 'read-data' ? 'reading packs' : 'checking snapshots', bytes: p.bytes, totalBytes });
    },
  });
  const failedPacks = new Set(check.errors.flatMap((e) => (e.pack ? [e.pack] : [])));
  store.recordPackReads(repo.id, now.toISOString(), [...selected].map((packId) => ({ packId, ok: !failedPacks.has(packId) })));

  const errors = [...check.errors];
  let database: DatabaseRestoreCheck | null = null;
  const latestDb = (await repo.listSnapshots()).filter((s) => (s.snapshot.tags ?? []).includes('kind:sqlite')).at(-1);
  if (latestDb) {
    opts.signal?.throwIfAborted();
    opts.onProgress?.({ phase: 'restoring database', bytes: bytesRead, totalBytes });
    await mkdir(opts.tmpDir, { recursive: true });
    database = await checkDatabaseByRestore(repo, latestDb, {
      tmpDir: opts.tmpDir, catalogRecord: opts.catalog.snapshotRecord(latestDb.id), ...(opts.signal ? { signal: opts.signal } : {}),
    });
    if (!database.ok) {
      const failed = database.checks.filter((c) => c.result === 'fail').map((c) => `${c.name}: ${c.detail ?? `expected ${JSON.stringify(c.expected)}, got ${JSON.stringify(c.actual)}`}`);
      errors.push({ snapshot: latestDb.id, snapshots: [latestDb.id], message: `database snapshot ${latestDb.id.slice(0, 8)} failed its restore test (${failed.join('; ')})` });
    }
  }

  const damagedPacks = summarizeDamage(errors);
  const affected = new Set<Id>();
  for (const e of errors) for (const s of e.snapshots ?? (e.snapshot ? [e.snapshot] : [])) affected.add(s);
  return {
    ok: errors.length === 0,
    level: opts.level,
    destination: opts.destination,
    location: opts.location,
    repositoryId: repo.id,
    time: now.toISOString(),
    errors,
    warnings: check.warnings,
    damagedPacks,
    affectedSnapshots: [...affected],
    packs: {
      total: packEntries.size, read: check.packsChecked, quota: plan.quota, neverRead: plan.neverRead, overdue: plan.overdue,
      bytesRead, readIds: [...selected],
    },
    snapshots: check.snapshots,
    trees: check.trees,
    database,
  };
}

/** Groups the errors by pack: which packs are damaged or missing, and which snapshots need them. */
function summarizeDamage(errors: readonly CheckError[]): DamagedPack[] {
  const byPack = new Map<Id, DamagedPack>();
  for (const e of errors) {
    if (!e.pack) continue;
    const entry = byPack.get(e.pack) ?? { pack: e.pack, snapshots: [], messages: [] };
    for (const s of e.snapshots ?? (e.snapshot ? [e.snapshot] : [])) if (!entry.snapshots.includes(s)) entry.snapshots.push(s);
    entry.messages.push(e.message);
    byPack.set(e.pack, entry);
  }
  return [...byPack.values()];
}
