/**
 * `restore --at TIME`: plans a point-in-time restore from the configured copy
 * (local or cloud) and, unless it is a dry run, carries it out as a recorded
 * 'restore' run. The time is read on the schedule's clock (pitr-time.ts).
 */
import type { Config } from '../config/config-schema.ts';
import type { JobContext } from '../engine.ts';
import { recordRun } from '../jobs/run-recorder.ts';
import { repositoryFrom, type FromOptions } from '../cloud/repository-from.ts';
import { planPointInTime, type PitrPlan } from './pitr-plan.ts';
import { restorePointInTime, type PitrRestoreResult } from './pitr-restore.ts';
import { withPitrSource } from './pitr-source.ts';
import { parsePointInTime } from './pitr-time.ts';

export interface RestoreAtOptions extends FromOptions {
  /** RFC 3339, or "YYYY-MM-DD HH:MM[:SS]" on the schedule's time zone. */
  at: string;
  to: string;
  force?: boolean;
  dryRun?: boolean;
  signal?: AbortSignal;
}

/** The plan in plain data, for --dry-run and --json. */
export interface PitrPlanSummary {
  at: string;
  generation: string;
  baseSnapshotId: string;
  baseTime: string;
  segments: number;
  commits: number;
  reachedFrame: number;
  /** The observed time of the last commit the restore applies: the state it gives. */
  reachedAt: string;
  window: { from: string; to: string };
  notes: string[];
}

export type RestoreAtOutcome =
  | { dryRun: true; plan: PitrPlanSummary }
  | ({ dryRun: false; runId: number; plan: PitrPlanSummary } & PitrRestoreResult);

export function summarizePlan(plan: PitrPlan): PitrPlanSummary {
  return {
    at: plan.at.toISOString(),
    generation: plan.generation,
    baseSnapshotId: plan.base.snapshotId,
    baseTime: plan.base.time.toISOString(),
    segments: plan.segments.length,
    commits: plan.commits,
    reachedFrame: plan.reachedFrame,
    reachedAt: plan.reachedAt.toISOString(),
    window: { from: plan.window.from.toISOString(), to: plan.window.to.toISOString() },
    notes: plan.notes,
  };
}

export async function runRestoreAt(ctx: JobContext, config: Config, options: RestoreAtOptions): Promise<RestoreAtOutcome> {
  const at = parsePointInTime(options.at, config.schedule.timezone);
  const now = ctx.clock.now();
  if (options.dryRun) {
    const planned = await withPitrSource(await repositoryFrom(ctx, config, options), (source) =>
      planPointInTime({ bases: source.bases, segments: source.segments, at, now, commitsOf: source.commitsOf }));
    return { dryRun: true, plan: summarizePlan(planned) };
  }
  const outcome = await recordRun(ctx, 'restore', async () => {
    const repository = await repositoryFrom(ctx, config, options);
    const { plan, result } = await withPitrSource(repository, (source) => restorePointInTime(repository, source, { at, now }, {
      to: options.to, ...(options.force ? { force: true } : {}), ...(options.signal ? { signal: options.signal } : {}),
    }));
    return {
      result: 'success' as const,
      snapshotId: plan.base.snapshotId,
      restored: result,
      summary: summarizePlan(plan),
      details: { kind: 'sqlite', at: at.toISOString(), reachedAt: plan.reachedAt.toISOString(), generation: plan.generation, commits: plan.commits, to: result.path },
    };
  });
  return { dryRun: false, runId: outcome.runId, plan: outcome.summary, ...outcome.restored };
}
