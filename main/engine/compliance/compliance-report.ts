/**
 * `compliance [report]`: per data class the policy, the oldest retained
 * snapshot, coverage since the first backup, gap days, copies (3-2-1),
 * holds; plus Object Lock, the log's state and every deletion before
 * retention end the log shows. Reads the local repository's snapshot list
 * (the truth) and the catalog (runs, copies, holds, the log).
 */
import type { Config } from '../config/config-schema.ts';
import type { Catalog } from '../catalog/catalog.ts';
import { classOfSnapshot, retentionClasses, type DataClass } from '../retention/data-classes.ts';
import { forgottenSnapshots } from '../retention/forgotten-store.ts';
import { activeHolds } from '../retention/hold-store.ts';
import { describeScope, isHeld } from '../retention/holds.ts';
import type { RetentionPolicy } from '../config/retention-schema.ts';
import type { SnapshotEntry } from '../repo/types.ts';
import { classCoverage, type ClassCoverage } from './class-coverage.ts';
import { copiesReport, type CopiesReport } from './copies.ts';
import { findEarlyDeletions, sourceKey, type EarlyDeletion, type RetainedSnapshot } from './early-deletions.ts';
import { OplogStore } from './oplog-store.ts';

export type ComplianceStatus = 'compliant' | 'attention' | 'violation';

export interface ClassReport {
  name: string;
  description: string;
  retention: string;
  retentionDays: number;
  policy: RetentionPolicy;
  snapshots: number;
  oldest: string | null;
  newest: string | null;
  firstBackup: string | null;
  coverage: ClassCoverage;
  requiredCopies: number;
  copies: number;
  copiesMet: boolean;
  heldSnapshots: number;
  status: ComplianceStatus;
  problems: string[];
}

export interface ComplianceReport {
  generatedAt: string;
  timeZone: string;
  repositoryId: string;
  status: ComplianceStatus;
  classes: ClassReport[];
  unclassifiedSnapshots: number;
  copies: CopiesReport;
  objectLock: { configured: boolean; mode: string | null; years: number | null; note: string };
  holds: { id: number; since: string; scope: string; reason: string }[];
  earlyDeletions: EarlyDeletion[];
  log: { entries: number; flushedThrough: number; pending: number };
}

/** 3 copies for the critical tier (database, tier 1), 2 for tier 2, 1 for anything else. */
function requiredCopies(c: DataClass): number {
  if (c.match.some((m) => m.kind === 'sqlite' || (m.tiers ?? []).includes(1))) return 3;
  if (c.match.some((m) => (m.tiers ?? []).includes(2))) return 2;
  return 1;
}

const worst = (a: ComplianceStatus, b: ComplianceStatus): ComplianceStatus => {
  const order: ComplianceStatus[] = ['compliant', 'attention', 'violation'];
  return order[Math.max(order.indexOf(a), order.indexOf(b))] ?? 'violation';
};

export function buildComplianceReport(
  catalog: Catalog, config: Config, repositoryId: string, snapshots: readonly SnapshotEntry[], now: Date,
): ComplianceReport {
  const timeZone = config.schedule.timezone;
  const classes = retentionClasses(config);
  const holds = activeHolds(catalog);
  const copies = copiesReport(catalog, config, now);
  const retained: RetainedSnapshot[] = snapshots.map((s) => ({
    id: s.id, timeMs: Date.parse(s.snapshot.time),
    className: classOfSnapshot({ tags: s.snapshot.tags, paths: s.snapshot.paths }, classes)?.name ?? null,
    source: sourceKey(s.snapshot.paths),
  }));
  const forgotten = forgottenSnapshots(catalog, repositoryId);
  const store = new OplogStore(catalog);
  const earlyDeletions = findEarlyDeletions(store.entriesOfType(['forget']), classes, retained, timeZone);

  const classReports = classes.map((c): ClassReport => {
    const mine = retained.filter((r) => r.className === c.name);
    const times = mine.map((r) => r.timeMs);
    const forgottenTimes = forgotten.filter((f) => f.className === c.name).map((f) => Date.parse(f.time));
    const all = [...times, ...forgottenTimes];
    const firstBackupMs = all.length > 0 ? Math.min(...all) : null;
    const coverage = classCoverage(c, times, firstBackupMs, now, timeZone);
    const need = requiredCopies(c);
    const problems: string[] = [];
    let status: ComplianceStatus = 'compliant';
    if (!coverage.ok && coverage.problem) { problems.push(coverage.problem); status = 'violation'; }
    const early = earlyDeletions.filter((d) => d.className === c.name);
    if (early.length > 0) { problems.push(`${early.length} snapshot(s) deleted before retention end`); status = 'violation'; }
    if (mine.length > 0 && copies.count < need) {
      problems.push(`${copies.count} current copies, ${need} required (3-2-1)`);
      status = worst(status, 'attention');
    }
    if (coverage.gapDays > 0) {
      problems.push(`${coverage.gapDays} day(s) without a snapshot`);
      status = worst(status, 'attention');
    }
    return {
      name: c.name, description: c.description, retention: c.retentionText, retentionDays: c.retentionDays, policy: c.policy,
      snapshots: mine.length,
      oldest: times.length > 0 ? new Date(Math.min(...times)).toISOString() : null,
      newest: times.length > 0 ? new Date(Math.max(...times)).toISOString() : null,
      firstBackup: firstBackupMs === null ? null : new Date(firstBackupMs).toISOString(),
      coverage, requiredCopies: need, copies: copies.count, copiesMet: copies.count >= need,
      heldSnapshots: mine.filter((r) => isHeld({ id: r.id, time: new Date(r.timeMs).toISOString(), className: r.className }, holds)).length,
      status, problems,
    };
  });

  const lock = config.cloud.objectLock;
  const flushedThrough = Math.max(0, ...store.batches(repositoryId).map((b) => b.lastSeq));
  const head = store.headSeq();
  let status: ComplianceStatus = classReports.reduce<ComplianceStatus>((s, c) => worst(s, c.status), 'compliant');
  if (earlyDeletions.length > 0) status = 'violation';
  return {
    generatedAt: now.toISOString(), timeZone, repositoryId, status, classes: classReports,
    unclassifiedSnapshots: retained.filter((r) => r.className === null).length,
    copies,
    objectLock: lock
      ? { configured: true, mode: lock.mode, years: lock.years, note: `${lock.mode} mode, ${lock.years} year(s) default retention (cloud status shows what the bucket has)` }
      : { configured: false, mode: null, years: null, note: config.cloud.enabled ? 'the bucket is not configured for Object Lock' : 'no cloud copy configured' },
    holds: holds.map((h) => ({ id: h.id, since: h.createdAt, scope: describeScope(h.scope), reason: h.reason })),
    earlyDeletions,
    log: { entries: head, flushedThrough, pending: Math.max(0, head - flushedThrough) },
  };
}
