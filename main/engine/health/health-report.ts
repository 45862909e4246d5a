/**
 * The health report for the engine's host and the alert dispatcher: gathers
 * the facts (catalog, free space) and evaluates the pure model at the
 * engine's clock. Needs no repository password.
 */
import type { Config } from '../config/config-schema.ts';
import type { JobContext } from '../engine.ts';
import { gatherHealthInput } from './health-input.ts';
import { buildHealth } from './health-model.ts';
import type { HealthReport } from './health-types.ts';

export type { DestinationHealth, HealthReport, HealthState, TierHealth } from './health-types.ts';

export async function buildHealthReport(ctx: JobContext, config: Config): Promise<HealthReport> {
  const input = await gatherHealthInput(ctx, config);
  return buildHealth(input, config.health, ctx.clock.now());
}
