/**
 * Data classes: which snapshots hold which kind of record, and how long that
 * record must be kept. The built-in classes follow the backup strategy (trade
 * records and audit trails 7 years, important files 2 years, temporary data
 * 30 days); config.retention.classes adds path-matched ones such as financial
 * statements (7y) or system logs (2y).
 *
 * A snapshot that several classes match belongs to the one with the longest
 * retention (ties: the first listed), so a record is never kept shorter than
 * its strictest class requires. A snapshot no class matches, or one not made
 * by QuantAI Backup (no 'quantai' tag), is unclassified and never forgotten.
 */
import type { Config } from '../config/config-schema.ts';
import type { DataClassConfig, RetentionPolicy, SnapshotMatch } from '../config/retention-schema.ts';
import { addDuration, approximateDays, parseDuration, type Duration } from './duration.ts';

export interface DataClass {
  name: string;
  description: string;
  /** The legal retention period, as configured ("7y"). */
  retentionText: string;
  retention: Duration;
  /** The period in whole days (rounded up; a year counts 365.25 days), for reports and Object Lock. */
  retentionDays: number;
  policy: RetentionPolicy;
  /** Any one matches. */
  match: SnapshotMatch[];
  builtIn: boolean;
}

/** What classification looks at: the snapshot's tags and backed-up paths. */
export interface ClassifiableSnapshot {
  tags?: readonly string[] | undefined;
  paths: readonly string[];
}

export const BUILT_IN_CLASSES: readonly DataClassConfig[] = [
  {
    name: 'trade-records',
    description: 'Trade records and audit trails: the trading database and tier-1 (critical) files',
    retention: '7y',
    match: [{ kind: 'sqlite' }, { kind: 'files', tiers: [1] }],
    // Every snapshot for 48 hours, hourly for 30 days, daily for a year, end of month for 7 years.
    policy: { keepWithin: '48h', keepWithinHourly: '30d', keepWithinDaily: '1y', keepWithinMonthly: '7y' },
  },
  {
    name: 'important-files',
    description: 'Tier-2 (important) files',
    retention: '2y',
    match: [{ kind: 'files', tiers: [2] }],
    policy: { keepWithin: '48h', keepWithinDaily: '90d', keepWithinMonthly: '2y' },
  },
  {
    name: 'temporary-files',
    description: 'Tier-3 (standard) files: temporary data',
    retention: '30d',
    match: [{ kind: 'files', tiers: [3] }],
    policy: { keepWithin: '48h', keepWithinDaily: '30d' },
  },
];

function toDataClass(c: DataClassConfig, builtIn: boolean): DataClass {
  const retention = parseDuration(c.retention);
  if (!retention) throw new Error(`class ${c.name}: retention ${c.retention} was not validated`);
  return {
    name: c.name, description: c.description, retentionText: c.retention, retention,
    retentionDays: Math.ceil(approximateDays(retention)), policy: c.policy, match: c.match, builtIn,
  };
}

/** The classes in force: your own classes first, then the built-in ones you did not replace. */
export function retentionClasses(config: Pick<Config, 'retention'>): DataClass[] {
  const own = config.retention.classes.map((c) => toDataClass(c, false));
  if (!config.retention.builtInClasses) return own;
  const names = new Set(own.map((c) => c.name));
  return [...own, ...BUILT_IN_CLASSES.filter((c) => !names.has(c.name)).map((c) => toDataClass(c, true))];
}

function isUnder(path: string, folder: string): boolean {
  const base = folder.length > 1 ? folder.replace(/\/+$/, '') : folder;
  return path === base || path.startsWith(base === '/' ? '/' : `${base}/`);
}

/** Does the snapshot fit this one match (every criterion given)? */
export function matchesSnapshot(m: SnapshotMatch, snapshot: ClassifiableSnapshot): boolean {
  const tags = snapshot.tags ?? [];
  if (m.kind !== undefined && !tags.includes(`kind:${m.kind}`)) return false;
  if (m.tiers !== undefined && !m.tiers.some((t) => tags.includes(`tier:${t}`))) return false;
  if (m.paths !== undefined && !snapshot.paths.some((p) => m.paths!.some((folder) => isUnder(p, folder)))) return false;
  return true;
}

/** The class a snapshot belongs to, or null (unclassified: kept). */
export function classOfSnapshot(snapshot: ClassifiableSnapshot, classes: readonly DataClass[]): DataClass | null {
  if (!(snapshot.tags ?? []).includes('quantai')) return null;
  let best: DataClass | null = null;
  for (const c of classes) {
    if (!c.match.some((m) => matchesSnapshot(m, snapshot))) continue;
    if (best === null || c.retentionDays > best.retentionDays) best = c;
  }
  return best;
}

/** When a snapshot taken at `time` may first be deleted under its class (the Object Lock retain-until date). */
export function retentionEnd(time: Date, dataClass: DataClass): Date {
  return new Date(addDuration(time.getTime(), dataClass.retention));
}
