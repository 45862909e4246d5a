/** The engine side of `compliance [report]`: lists the local repository's snapshots and builds the report. */
import type { Config } from '../config/config-schema.ts';
import type { JobContext } from '../engine.ts';
import { buildComplianceReport, type ComplianceReport } from './compliance-report.ts';

export async function runComplianceReport(ctx: JobContext, config: Config): Promise<ComplianceReport> {
  const repository = await ctx.engine.openRepository(config);
  const snapshots = await repository.listSnapshots();
  return buildComplianceReport(ctx.catalog, config, repository.id, snapshots, ctx.clock.now());
}
