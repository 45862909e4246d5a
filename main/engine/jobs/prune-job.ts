/**
 * `prune`: removes the data no snapshot uses from the local repository
 * (retention/prune.ts). A real prune is recorded as a 'prune' run in the
 * catalog and in the operations log with what it deleted; a dry run changes
 * nothing and records nothing. Deletions reach the mirrors later, at their
 * next sync (retention/mirror-prune.ts).
 */
import type { Config } from '../config/config-schema.ts';
import { appendOperation } from '../compliance/oplog.ts';
import type { JobContext } from '../engine.ts';
import { pruneRepository, type PruneReport } from '../retention/prune.ts';
import { recordRun } from './run-recorder.ts';

export interface PruneJobOptions {
  dryRun?: boolean;
  maxUnusedPercent?: number;
  signal?: AbortSignal;
}

export interface PruneOutcome extends PruneReport {
  /** The catalog run; null for a dry run. */
  runId: number | null;
}

export async function runPruneJob(ctx: JobContext, config: Config, options: PruneJobOptions = {}): Promise<PruneOutcome> {
  const prune = async (runId: number | null): Promise<PruneReport> => {
    const repository = await ctx.engine.openRepository(config);
    return pruneRepository(repository, {
      dryRun: options.dryRun ?? false,
      ...(options.maxUnusedPercent !== undefined ? { maxUnusedPercent: options.maxUnusedPercent } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
      onProgress: (p) => {
        if (runId !== null) ctx.events.emit('job-progress', { job: 'prune', runId, phase: p.phase, bytes: 0, files: p.done });
      },
    });
  };
  if (options.dryRun) return { ...(await prune(null)), runId: null };
  const run = await recordRun(ctx, 'prune', async (runId) => {
    const report = await prune(runId);
    logPrune(ctx, config.repository.path, report);
    return { result: 'success' as const, details: report, report };
  });
  return { ...run.report, runId: run.runId };
}

/**
 * Puts a finished prune into the operations log (with its whole report) and
 * the log file. Every caller of pruneRepository that changes a repository
 * (the prune job, the retention job) logs through here, so no prune goes
 * unrecorded.
 */
export function logPrune(ctx: JobContext, repositoryPath: string, report: PruneReport): void {
  appendOperation(ctx, {
    type: 'prune',
    summary: `pruned ${repositoryPath}: ${report.packsDeleted} pack(s) deleted, ${report.packsRepacked} repacked, ${report.bytesFreed} bytes freed`,
    data: { ...report, repository: repositoryPath },
  });
  ctx.logger.log('info', `prune: ${report.packsDeleted} pack(s) deleted, ${report.packsRepacked} repacked into ${report.packsWritten}, ${report.bytesFreed} bytes freed`);
}
