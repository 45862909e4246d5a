/**
 * The alert rules of the backup strategy, as a pure function of the facts and
 * the time: each returns the conditions true right now. A condition's key is
 * rule + subject, so the same problem keeps the same key across evaluations
 * and the dispatcher sends one message per problem, not one per evaluation.
 * Every condition names its tier or destination in `data` so the health model
 * can colour that row.
 */
import type { HealthConfig, TierObjective } from '../config/health-schema.ts';
import type { AlertCondition } from './alert-types.ts';
import { formatBytes, formatDuration, formatIds, formatPeriod, timeMs } from './health-format.ts';
import type { DestinationInput, HealthInput, SizeHistory, Tier, TierInput } from './health-types.ts';
import { verificationStatus } from './verification-status.ts';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

const TIER_NAMES: Record<Tier, string> = { 1: 'critical', 2: 'important', 3: 'standard' };

export function tierLabel(tier: Tier): string {
  return `Tier ${tier} (${TIER_NAMES[tier]})`;
}

export function tierObjective(config: HealthConfig, tier: Tier): TierObjective {
  return config.tiers[`tier${tier}`];
}

/** A tier is as fresh as its stalest source; a source never backed up leaves the tier without a last success. */
export function tierLastSuccess(tier: TierInput): string | null {
  let oldest: string | null = null;
  for (const source of tier.sources) {
    if (source.lastSuccess === null) return null;
    if (oldest === null || timeMs(source.lastSuccess) < timeMs(oldest)) oldest = source.lastSuccess;
  }
  return oldest;
}

function noRecentBackup(input: HealthInput, config: HealthConfig, now: number): AlertCondition[] {
  const out: AlertCondition[] = [];
  for (const tier of input.tiers) {
    const objective = tierObjective(config, tier.tier);
    const limitMs = objective.alertAfterMinutes * 60_000;
    const last = tierLastSuccess(tier);
    // Without any backup yet, the clock starts at installation: a new setup gets one alert period of grace.
    const since = last ?? input.installedAt;
    if (since === null || now - timeMs(since) <= limitMs) continue;
    const age = formatDuration(now - timeMs(since));
    const sources = tier.sources.map((s) => s.path.replace(/\n/g, ', ')).join('; ');
    const command = tier.sources.some((s) => s.kind === 'sqlite') ? 'quantai-backup snapshot' : 'quantai-backup backup';
    const failed = tier.lastRun && tier.lastRun.result !== 'success' && tier.lastRun.result !== 'warning' && tier.lastRun.result !== 'running'
      ? ` The last attempt (${tier.lastRun.startedAt}) ${tier.lastRun.result === 'interrupted' ? 'was interrupted' : 'failed'}${tier.lastRun.errorMessage ? `: ${tier.lastRun.errorMessage}` : ''}.`
      : '';
    const what = last
      ? `The newest ${tierLabel(tier.tier)} backup (${sources}) is ${age} old (taken ${last}); the objective is one every ${formatDuration(objective.rpoMinutes * 60_000)}.`
      : `No ${tierLabel(tier.tier)} backup (${sources}) has succeeded since this installation was set up ${age} ago.`;
    out.push({
      key: `no-recent-backup:tier-${tier.tier}`,
      rule: 'no-recent-backup',
      severity: objective.severity,
      title: `No backup in the last ${formatPeriod(objective.alertAfterMinutes)}: ${tierLabel(tier.tier)}`,
      message: `${what}${failed} Check that the scheduler (the desktop app or \`quantai-backup daemon\`) is running, or run \`${command}\` now.`,
      data: { tier: tier.tier, lastSuccess: last, ageSeconds: Math.floor((now - timeMs(since)) / 1000) },
    });
  }
  return out;
}

function tooFewBackups(input: HealthInput, config: HealthConfig, now: number): AlertCondition[] {
  if (!input.databaseConfigured || config.minBackupsPerDay === 0) return [];
  // Not before the installation has had a whole day to reach the count.
  if (input.installedAt === null || now - timeMs(input.installedAt) < DAY_MS) return [];
  const count = input.recentDatabaseSnapshots.filter((t) => {
    const ms = timeMs(t);
    return ms > now - DAY_MS && ms <= now;
  }).length;
  if (count >= config.minBackupsPerDay) return [];
  return [{
    key: 'too-few-backups:tier-1',
    rule: 'too-few-backups',
    severity: 'warning',
    title: `Only ${count} database backup${count === 1 ? '' : 's'} in the last 24 hours`,
    message: `The strategy asks for at least ${config.minBackupsPerDay} database snapshots a day; ${count} succeeded in the last 24 hours. Look at the failed or skipped runs in \`quantai-backup status\` and check that the schedule is not paused.`,
    data: { tier: 1, count, minimum: config.minBackupsPerDay },
  }];
}

function sizeOf(history: SizeHistory): { changePercent: number; latest: number; previous: number } | null {
  const latest = history.latest.sizeBytes;
  const previous = history.previous?.sizeBytes ?? null;
  if (latest === null || previous === null) return null;
  if (previous === 0) return latest === 0 ? null : { changePercent: Infinity, latest, previous };
  return { changePercent: ((latest - previous) / previous) * 100, latest, previous };
}

function backupSizeChange(input: HealthInput, config: HealthConfig): AlertCondition[] {
  const out: AlertCondition[] = [];
  for (const history of input.sizeHistory) {
    const size = sizeOf(history);
    if (!size || Math.abs(size.changePercent) <= config.sizeChangePercent) continue;
    const change = Number.isFinite(size.changePercent) ? `${size.changePercent > 0 ? '+' : ''}${Math.round(size.changePercent)}%` : 'from empty';
    const source = history.source.replace(/\n/g, ', ');
    const what = history.kind === 'sqlite' ? 'database' : 'file backup';
    out.push({
      key: `backup-size-change:${history.kind}:${history.source}`,
      rule: 'backup-size-change',
      severity: 'warning',
      title: `Backup size changed ${change}: ${source}`,
      message: `The ${what} snapshot ${formatIds([history.latest.id])} of ${source} (${history.latest.time}) is ${formatBytes(size.latest)}; the previous one (${history.previous?.time}) was ${formatBytes(size.previous)}. If that was not expected (deleted data, a dropped table, a runaway log), investigate while older snapshots still exist.`,
      data: { tier: history.tier, source: history.source, snapshotId: history.latest.id, previousSnapshotId: history.previous?.id, sizeBytes: size.latest, previousSizeBytes: size.previous },
    });
  }
  return out;
}

function destinationStale(dest: DestinationInput, input: HealthInput, config: HealthConfig, now: number): AlertCondition[] {
  // The local repository's freshness is what the tier rules measure; the stale rule is for the copies of it.
  if (dest.kind === 'local') return [];
  const limitMs = dest.kind === 'cloud' ? config.destinations.cloudStaleHours * HOUR_MS : config.destinations.offsiteStaleDays * DAY_MS;
  const since = dest.lastSuccess ?? dest.addedAt ?? input.installedAt;
  if (since === null || now - timeMs(since) <= limitMs) return [];
  const age = formatDuration(now - timeMs(since));
  const action = dest.kind === 'cloud' ? 'Check the cloud credentials and the network, then run the cloud copy.' : 'Connect the offsite drive due for rotation and run the offsite copy.';
  return [{
    key: `destination-stale:${dest.name}`,
    rule: 'destination-stale',
    severity: 'warning',
    title: `${dest.kind === 'cloud' ? 'Cloud' : 'Offsite'} copy '${dest.name}' is ${age} old`,
    message: `${dest.lastSuccess ? `The last copy to '${dest.name}' finished ${age} ago (${dest.lastSuccess})` : `Nothing has been copied to '${dest.name}' in the ${age} since it was set up`}; the limit is ${formatDuration(limitMs)}. ${action}`,
    data: { destination: dest.name, lastSuccess: dest.lastSuccess, ageSeconds: Math.floor((now - timeMs(since)) / 1000) },
  }];
}

/** The repository is not where the config says: an unmounted NAS or drive. Every backup to it fails. */
function destinationMissing(dest: DestinationInput): AlertCondition[] {
  if (dest.present !== false) return [];
  return [{
    key: `destination-missing:${dest.name}`,
    rule: 'destination-missing',
    severity: 'critical',
    title: `Repository '${dest.name}' is not reachable`,
    message: `The repository for '${dest.name}' is missing from its folder, so no backup can be stored there: mount the NAS or drive that holds it (or correct the path in Settings), then take a snapshot.`,
    data: { destination: dest.name },
  }];
}

function lowSpace(dest: DestinationInput, config: HealthConfig): AlertCondition[] {
  if (!dest.space || dest.space.totalBytes <= 0) return [];
  const { freeBytes, totalBytes } = dest.space;
  const freePercent = (freeBytes / totalBytes) * 100;
  const { warningPercent, warningBytes, criticalPercent } = config.freeSpace;
  const critical = freePercent < criticalPercent;
  if (!critical && freePercent >= warningPercent && freeBytes >= warningBytes) return [];
  return [{
    key: `destination-low-space:${dest.name}`,
    rule: 'destination-low-space',
    severity: critical ? 'critical' : 'warning',
    title: `Destination '${dest.name}' has ${formatBytes(freeBytes)} free (${freePercent.toFixed(1)}%)`,
    message: `Only ${formatBytes(freeBytes)} of ${formatBytes(totalBytes)} is free on '${dest.name}'${critical ? '; backups will soon fail' : ''}. Free space on the disk, or move the repository to a larger one.`,
    data: { destination: dest.name, freeBytes, totalBytes },
  }];
}

function verificationFailed(dest: DestinationInput): AlertCondition[] {
  const status = verificationStatus(dest.verifications);
  if (status.state !== 'failed') return [];
  const packs = [...new Set(status.unresolved.flatMap((f) => f.packs))];
  const snapshots = [...new Set(status.unresolved.flatMap((f) => [...f.snapshots, ...(f.snapshotId ? [f.snapshotId] : [])]))];
  const newest = status.unresolved[0]!;
  const found = [
    packs.length > 0 ? `damaged pack${packs.length === 1 ? '' : 's'} ${formatIds(packs)}` : '',
    snapshots.length > 0 ? `affected snapshot${snapshots.length === 1 ? '' : 's'} ${formatIds(snapshots)}` : '',
  ].filter(Boolean).join('; ');
  const detail = found || newest.messages[0] || 'see the verification report';
  return [{
    key: `verification-failed:${dest.name}`,
    rule: 'verification-failed',
    severity: 'critical',
    title: `Verification failed on '${dest.name}'`,
    message: `The ${newest.level} verification of '${dest.name}' at ${newest.time} found problems: ${detail}. Run \`quantai-backup verify --read-data\` for the full report, and take a fresh snapshot so the latest data is stored intact.`,
    data: { destination: dest.name, level: newest.level, time: newest.time, packs, snapshots },
  }];
}

function drillRules(dest: DestinationInput): AlertCondition[] {
  const drill = dest.lastDrill;
  if (!drill) return [];
  if (!drill.ok) {
    return [{
      key: `drill-failed:${dest.name}`,
      rule: 'drill-failed',
      severity: 'critical',
      title: `Restore drill failed on '${dest.name}'`,
      message: `The restore drill from '${dest.name}' at ${drill.time} failed${drill.summary ? `: ${drill.summary}` : ''}. Open its evidence report, fix the cause and run \`quantai-backup restore-test\` again.`,
      data: { destination: dest.name, time: drill.time },
    }];
  }
  if (drill.durationMs !== null && drill.rtoMs !== null && drill.durationMs > drill.rtoMs) {
    return [{
      key: `drill-slow:${dest.name}`,
      rule: 'drill-slow',
      severity: 'warning',
      title: `Restore from '${dest.name}' is slower than its objective`,
      message: `The restore drill from '${dest.name}' at ${drill.time} took ${formatDuration(drill.durationMs)}; the recovery-time objective is ${formatDuration(drill.rtoMs)}. A faster destination or a smaller restore set is needed to meet it.`,
      data: { destination: dest.name, time: drill.time, durationMs: drill.durationMs, rtoMs: drill.rtoMs },
    }];
  }
  return [];
}

const REMINDER_RULES = {
  'copy-due': 'offsite-copy-due',
  'take-offsite': 'offsite-take-offsite',
  'bring-back': 'offsite-bring-back',
} as const;

/**
 * The rotation's reminders (computed by offsite/rotation.ts from the register)
 * as warnings. The key names the drive, so a new drive to act on is a new alert.
 */
function offsiteRotation(input: HealthInput): AlertCondition[] {
  return (input.offsiteReminders ?? []).map((r) => ({
    key: `${REMINDER_RULES[r.kind]}${r.kind === 'copy-due' ? '' : `:${r.label ?? ''}`}`,
    rule: REMINDER_RULES[r.kind],
    severity: 'warning',
    title: r.title,
    message: r.message,
    data: { destination: 'offsite', drive: r.label, since: r.since },
  }));
}

/**
 * Real-time replication is tier 1's last line (seconds of trades, not 15
 * minutes): lag above the limit, or a replicator that is enabled but not
 * shipping, is critical.
 */
function replicationLag(input: HealthInput): AlertCondition[] {
  const r = input.replication;
  if (!r) return [];
  const limitMs = r.lagAlertSeconds * 1000;
  const notRunning = r.state === 'stalled' || r.state === 'failed' || r.state === 'stopped' || r.state === 'not-started';
  if (!notRunning && r.lagMaxMs <= limitMs) return [];
  return [{
    key: 'replication-lag',
    rule: 'replication-lag',
    severity: 'critical',
    title: notRunning ? 'Real-time replication is not running' : `Replication lag ${formatDuration(r.lagMaxMs)} is above ${formatDuration(limitMs)}`,
    message: notRunning
      ? `Replication is enabled, but: ${r.message}; trades since ${r.lastShippedAt ?? 'the last snapshot'} are only in the live database. Check \`quantai-backup replication status\` and restart the daemon or the app.`
      : `Commits took up to ${formatDuration(r.lagMaxMs)} to reach the repository (limit ${formatDuration(limitMs)}). Check the repository's disk and the machine's load.`,
    data: { state: r.state, lagMaxMs: r.lagMaxMs, lastShippedAt: r.lastShippedAt },
  }];
}

/** Unflushed log entries older than this mean the repository copy of the evidence is falling behind. */
const OPLOG_BACKLOG_MS = DAY_MS;

/**
 * The operations log (issue 8): a broken hash chain in the local repository's
 * copy is critical (the evidence was altered or lost); entries that have not
 * reached the repository for over a day are a warning (they exist only in
 * the catalog, on this machine).
 */
function oplogRules(input: HealthInput, now: number): AlertCondition[] {
  const log = input.oplog;
  if (!log) return [];
  const out: AlertCondition[] = [];
  if (log.lastCheck && !log.lastCheck.ok) {
    out.push({
      key: 'oplog-broken',
      rule: 'oplog-broken',
      severity: 'critical',
      title: log.lastCheck.firstBadSeq === null ? 'The operations log is broken' : `The operations log is broken at entry ${log.lastCheck.firstBadSeq}`,
      message: `The check at ${log.lastCheck.time} found the repository's operations log altered or incomplete (${log.lastCheck.message}). Run \`quantai-backup compliance verify-log\` for every finding, compare with another copy (\`--from cloud\` or \`--from offsite:LABEL\`), and keep the copies as they are for the investigation.`,
      data: { destination: 'local', time: log.lastCheck.time, firstBadSeq: log.lastCheck.firstBadSeq },
    });
  }
  if (log.oldestPendingAt !== null && now - timeMs(log.oldestPendingAt) > OPLOG_BACKLOG_MS) {
    const age = formatDuration(now - timeMs(log.oldestPendingAt));
    out.push({
      key: 'oplog-backlog',
      rule: 'oplog-backlog',
      severity: 'warning',
      title: `${log.pending} operations log entr${log.pending === 1 ? 'y has' : 'ies have'} not reached the repository for ${age}`,
      message: `The oldest unflushed entry was logged ${log.oldestPendingAt}; until they are flushed they exist only in this machine's catalog. Make sure the repository is reachable (mounted, password available), then run any job, e.g. \`quantai-backup snapshot\`, which flushes the log.`,
      data: { pending: log.pending, oldestPendingAt: log.oldestPendingAt, ageSeconds: Math.floor((now - timeMs(log.oldestPendingAt)) / 1000) },
    });
  }
  return out;
}

const SEVERITY_ORDER = { critical: 0, warning: 1 } as const;

/** Every condition true at `now`, critical first, then by key (stable output for the dispatcher and tests). */
export function evaluateAlertRules(input: HealthInput, config: HealthConfig, now: Date): AlertCondition[] {
  const nowMs = now.getTime();
  const conditions = [
    ...noRecentBackup(input, config, nowMs),
    ...tooFewBackups(input, config, nowMs),
    ...backupSizeChange(input, config),
    ...offsiteRotation(input),
    ...replicationLag(input),
    ...oplogRules(input, nowMs),
    ...input.destinations.flatMap((dest) => [
      ...destinationMissing(dest),
      ...verificationFailed(dest),
      ...destinationStale(dest, input, config, nowMs),
      ...lowSpace(dest, config),
      ...drillRules(dest),
    ]),
  ];
  return conditions.sort((a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] || a.key.localeCompare(b.key));
}
