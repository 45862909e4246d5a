/**
 * forget: applies the retention policy to one repository. Lists every
 * snapshot, decides with policy.ts (holds and unclassified snapshots kept),
 * and, unless it is a dry run, removes the snapshot files that go, under the
 * repository's exclusive lock. Data stays until prune.
 *
 * Each batch of removals is appended to the operations log before its files
 * are deleted, so a deletion is never unlogged (a kill -9 after the entry and
 * before the deletion only means the next run forgets, and logs, those again).
 * A safety brake refuses to forget more than retention.maxForgetShare of the
 * snapshots in one run unless forced: a policy typo must not empty the backups.
 */
import type { Catalog } from '../catalog/catalog.ts';
import type { Clock } from '../clock.ts';
import { appendOperation } from '../compliance/oplog.ts';
import type { Config } from '../config/config-schema.ts';
import { replicationSpans } from '../config/replication-schema.ts';
import { BackupError, isBackupError } from '../errors.ts';
import type { Logger } from '../logger.ts';
import type { Repository } from '../repo/repository.ts';
import type { SnapshotEntry } from '../repo/types.ts';
import { baseGeneration, listSegments } from '../replication/pitr-source.ts';
import { retainedBaseSnapshots } from '../replication/segment-retention.ts';
import { retentionClasses } from './data-classes.ts';
import { recordForgotten } from './forgotten-store.ts';
import { activeHolds } from './hold-store.ts';
import { decideRetention, summarizeDecisions, type RetentionDecision, type RetentionSummary } from './policy.ts';

const LOG_BATCH = 500;

export interface ForgetContext {
  catalog: Catalog;
  clock: Clock;
  logger: Logger;
  hostname: string;
}

export interface ForgetOptions {
  /** Decide and report only; nothing is removed and no lock is taken. */
  dryRun?: boolean;
  /** Go past the safety brake (retention.maxForgetShare). */
  force?: boolean;
  /** The catalog run this forget belongs to, if any. */
  runId?: number;
  signal?: AbortSignal;
}

export interface ForgetReport extends RetentionSummary {
  dryRun: boolean;
  repositoryId: string;
  timeZone: string;
  /** Share of the snapshots this run forgets, and the most retention.maxForgetShare allows without --force. */
  share: number;
  maxShare: number;
  /** True when the share is over the brake (a real run refused unless forced). */
  brakeTripped: boolean;
  /** Every snapshot, oldest first, with the rules that keep it (none: it goes). */
  decisions: RetentionDecision[];
  /** Ids removed by this run (empty on a dry run). */
  removed: string[];
}

async function decide(ctx: ForgetContext, repository: Repository, config: Config, entries: SnapshotEntry[]): Promise<RetentionDecision[]> {
  const snapshots = entries.map((e) => ({ id: e.id, time: e.snapshot.time, tags: e.snapshot.tags ?? [], paths: e.snapshot.paths, hostname: e.snapshot.hostname }));
  const decisions = decideRetention(snapshots, retentionClasses(config), activeHolds(ctx.catalog), ctx.clock.now(), { timeZone: config.schedule.timezone });
  await keepReplicationBases(ctx, repository, config, entries, decisions);
  return decisions;
}

/**
 * A generation's segments are useless without its base snapshot: the bases
 * of generations still inside the point-in-time window are kept whatever the
 * policy says (replication/segment-retention.ts drops the generation, and with
 * it this reason, once a newer one covers the window).
 */
async function keepReplicationBases(ctx: ForgetContext, repository: Repository, config: Config, entries: SnapshotEntry[], decisions: RetentionDecision[]): Promise<void> {
  const generations = new Map<string, string>();
  for (const e of entries) {
    const generation = baseGeneration(e);
    if (generation) generations.set(e.id, generation);
  }
  // Without replication there is nothing to keep, and no need to list the wal folder.
  if (generations.size === 0) return;
  const retained = retainedBaseSnapshots(entries, await listSegments(repository), ctx.clock.now(), replicationSpans(config.replication).windowMs);
  for (const d of decisions) {
    const generation = generations.get(d.id);
    if (generation === undefined || !retained.has(d.id)) continue;
    d.reasons.push(`replication base of generation ${generation} (point-in-time window)`);
    d.rules.push('replication');
    d.keep = true;
  }
}

export async function forgetByPolicy(ctx: ForgetContext, repository: Repository, config: Config, options: ForgetOptions = {}): Promise<ForgetReport> {
  const dryRun = options.dryRun ?? false;
  const lock = dryRun ? null : await repository.lock({ exclusive: true });
  try {
    // Listed under the lock: no backup can add a snapshot between the decision and the removal.
    const entries = await repository.listSnapshots();
    const decisions = await decide(ctx, repository, config, entries);
    const summary = summarizeDecisions(decisions);
    const share = summary.total === 0 ? 0 : summary.forgotten / summary.total;
    const maxShare = config.retention.maxForgetShare;
    const report: ForgetReport = {
      ...summary, dryRun, repositoryId: repository.id, timeZone: config.schedule.timezone,
      share, maxShare, brakeTripped: share > maxShare, decisions, removed: [],
    };
    if (dryRun || summary.forgotten === 0) return report;
    if (report.brakeTripped && !options.force) {
      throw new BackupError('permanent',
        `forget would remove ${summary.forgotten} of ${summary.total} snapshots (${percent(share)}), more than retention.maxForgetShare (${percent(maxShare)}) allows in one run: check it with \`quantai-backup forget --dry-run\`, then run \`quantai-backup forget --force\``);
    }
    const byId = new Map(entries.map((e) => [e.id, e.snapshot]));
    const going = decisions.filter((d) => !d.keep);
    for (let i = 0; i < going.length; i += LOG_BATCH) {
      options.signal?.throwIfAborted();
      const batch = going.slice(i, i + LOG_BATCH);
      appendOperation(ctx, {
        type: 'forget',
        summary: `forgot ${batch.length} snapshot(s) by the retention policy (${i + batch.length} of ${going.length} this run)`,
        data: {
          repositoryId: repository.id,
          ...(options.runId !== undefined ? { runId: options.runId } : {}),
          snapshots: batch.map((d) => {
            const sn = byId.get(d.id);
            return { id: d.id, time: d.time, tags: sn?.tags ?? [], paths: sn?.paths ?? [], class: d.className };
          }),
        },
      });
      for (const d of batch) {
        // Catalog first: a kill between the two leaves a snapshot the catalog calls forgotten, which the next run removes again.
        const sn = byId.get(d.id);
        recordForgotten(ctx.catalog, {
          repositoryId: repository.id, snapshotId: d.id, time: d.time, className: d.className, hostname: sn?.hostname ?? '',
          paths: sn?.paths ?? [], tags: sn?.tags ?? [], forgottenAt: ctx.clock.now().toISOString(), runId: options.runId ?? null,
        });
        await removeSnapshotFile(repository, d.id);
        report.removed.push(d.id);
      }
    }
    ctx.logger.log('info', `forget: removed ${report.removed.length} of ${summary.total} snapshots from ${repository.backend.location()}`);
    return report;
  } finally {
    await lock?.release();
  }
}

async function removeSnapshotFile(repository: Repository, id: string): Promise<void> {
  try {
    await repository.backend.remove({ type: 'snapshot', name: id });
  } catch (err) {
    // Already gone (an earlier run was killed after removing it): the goal is reached.
    if (isBackupError(err) && err.kind === 'not-found') return;
    throw err;
  }
}

function percent(share: number): string {
  return `${Math.round(share * 1000) / 10}%`;
}
