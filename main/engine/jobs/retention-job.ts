/**
 * The scheduled 'retention' job: forget by policy (holds honoured, safety
 * brake on), then prune the data no snapshot uses any more. One catalog run
 * records both; the forget's removals are in the operations log and in
 * forgotten_snapshots, and the prune has its own 'prune' entry there with
 * its report, as a prune run on its own has. Bringing the deletions to the
 * mirrors (cloud, offsite) happens after this, never before: a mirror always
 * holds at least what the local repository holds.
 */
import type { Config } from '../config/config-schema.ts';
import type { JobContext } from '../engine.ts';
import { forgetByPolicy } from '../retention/forget.ts';
import { pruneRepository, type PruneReport } from '../retention/prune.ts';
import { logPrune } from './prune-job.ts';
import { recordRun } from './run-recorder.ts';

export interface RetentionJobOptions {
  /** Go past the safety brake (retention.maxForgetShare). */
  force?: boolean;
  signal?: AbortSignal;
}

export interface RetentionJobOutcome {
  runId: number;
  result: 'success';
  total: number;
  kept: number;
  forgotten: number;
  /** null when nothing was forgotten (prune skipped: no snapshot went, so no data became unused). */
  prune: PruneReport | null;
}

export async function runRetentionJob(ctx: JobContext, config: Config, options: RetentionJobOptions = {}): Promise<RetentionJobOutcome> {
  return recordRun(ctx, 'retention', async (runId) => {
    const repository = await ctx.engine.openRepository(config);
    const forget = await forgetByPolicy(ctx, repository, config, {
      runId, ...(options.force ? { force: true } : {}), ...(options.signal ? { signal: options.signal } : {}),
    });
    const prune = forget.removed.length === 0 ? null : await pruneRepository(repository, options.signal ? { signal: options.signal } : {});
    if (prune) logPrune(ctx, config.repository.path, prune);
    const details = {
      total: forget.total, kept: forget.kept, forgotten: forget.removed.length, byRule: forget.byRule,
      prune: prune && { packsDeleted: prune.packsDeleted, packsRepacked: prune.packsRepacked, bytesFreed: prune.bytesFreed, bytesAfter: prune.bytesAfter },
    };
    return { result: 'success' as const, details, total: forget.total, kept: forget.kept, forgotten: forget.removed.length, prune };
  });
}
