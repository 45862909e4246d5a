/** `check`: the repository's structure, and with readData every byte of every pack. */
import type { Config } from '../config/config-schema.ts';
import type { JobContext } from '../engine.ts';
import { checkRepository, type CheckReport } from '../repo/check.ts';
import { recordRun } from './run-recorder.ts';
import { repositoryFrom, type FromOptions } from '../cloud/repository-from.ts';

export interface CheckOutcome extends CheckReport {
  runId: number;
}

export async function runCheck(ctx: JobContext, config: Config, options: { readData: boolean } & FromOptions): Promise<CheckOutcome> {
  const outcome = await recordRun(ctx, 'check', async (runId) => {
    const repository = await repositoryFrom(ctx, config, options);
    const report = await checkRepository(repository, {
      readData: options.readData,
      onProgress: (p: { packsChecked?: number; bytes?: number }) =>
        ctx.events.emit('job-progress', { job: 'check', runId, phase: options.readData ? 'reading packs' : 'checking structure', bytes: p.bytes ?? 0 }),
    });
    if (!report.ok) {
      ctx.catalog.addEvent({
        time: ctx.clock.now().toISOString(), level: 'error', type: 'check-failed',
        message: `repository check found ${report.errors.length} problem(s)`, data: { errors: report.errors.slice(0, 50) },
      });
    }
    return { result: report.ok ? ('success' as const) : ('warning' as const), report, details: { ok: report.ok, errors: report.errors.length, readData: options.readData, from: options.from ?? 'local' } };
  });
  return { ...outcome.report, runId: outcome.runId };
}
