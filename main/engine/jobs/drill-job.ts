/**
 * `restore-test`: a restore drill on every destination that exists (local
 * today). Each drill's evidence (JSON and HTML) is stored in the catalog's
 * `drills`; a drill that found problems makes the run 'failed', one slower
 * than its recovery-time objective makes it 'warning'.
 */
import { DrillStore } from '../catalog/drill-store.ts';
import type { Config } from '../config/config-schema.ts';
import type { JobContext } from '../engine.ts';
import { BackupError } from '../errors.ts';
import type { DrillEvidence } from '../drill/drill-evidence.ts';
import { renderDrillHtml } from '../drill/drill-html.ts';
import { runDrill } from '../drill/run-drill.ts';
import { configuredDestinations } from '../verify/destinations.ts';
import { recordRun } from './run-recorder.ts';

export interface DrillResult {
  drillId: number;
  destination: string;
  ok: boolean;
  withinRto: boolean;
  /** The binding measurement and its objective (see catalog/drill-store.ts). */
  durationMs: number | null;
  rtoMs: number | null;
  evidence: DrillEvidence;
}

export interface DrillOutcome {
  runId: number;
  ok: boolean;
  withinRto: boolean;
  drills: DrillResult[];
  /** One readable page covering every destination. */
  html: string;
}

export interface DrillJobOptions {
  signal?: AbortSignal;
  /** Random integer in [0, max) for the file sample; tests inject one. */
  random?: (max: number) => number;
}

class DrillFailed extends BackupError {
  readonly outcome: Omit<DrillOutcome, 'runId'>;

  constructor(outcome: Omit<DrillOutcome, 'runId'>) {
    const failures = outcome.drills.flatMap((d) => d.evidence.failures.map((f) => `${d.destination}: ${f}`));
    super('permanent', `the restore drill failed: ${failures.slice(0, 3).join('; ')}${failures.length > 3 ? ` (and ${failures.length - 3} more)` : ''}`);
    this.outcome = outcome;
  }
}

export async function runDrillJob(ctx: JobContext, config: Config, opts: DrillJobOptions = {}): Promise<DrillOutcome> {
  const store = new DrillStore(ctx.catalog);
  let runId = 0;
  try {
    const run = await recordRun(ctx, 'drill', async (id) => {
      runId = id;
      const drills: DrillResult[] = [];
      for (const destination of configuredDestinations(ctx, config)) {
        const evidence = await runDrill({
          destination, config, tmpDir: ctx.engine.paths.tmpDir, catalog: ctx.catalog, clock: ctx.clock,
          ...(opts.signal ? { signal: opts.signal } : {}),
          ...(opts.random ? { random: opts.random } : {}),
          onPhase: (phase) => ctx.events.emit('job-progress', { job: 'drill', runId: id, phase: `${destination.name}: ${phase}`, bytes: 0 }),
        });
        const drillId = store.record({
          startedAt: evidence.startedAt, endedAt: evidence.endedAt, destination: destination.name, ok: evidence.ok,
          durationMs: evidence.binding?.ms ?? null, rtoMs: evidence.binding?.rtoMs ?? null,
          report: evidence, html: renderDrillHtml([evidence]),
        });
        ctx.logger.log(evidence.ok ? 'info' : 'error', `restore drill on ${destination.name} ${evidence.ok ? 'passed' : 'failed'}`, { drillId, failures: evidence.failures.length });
        drills.push({
          drillId, destination: destination.name, ok: evidence.ok, withinRto: evidence.withinRto,
          durationMs: evidence.binding?.ms ?? null, rtoMs: evidence.binding?.rtoMs ?? null, evidence,
        });
      }
      const outcome = {
        ok: drills.every((d) => d.ok),
        withinRto: drills.every((d) => d.withinRto),
        drills,
        html: renderDrillHtml(drills.map((d) => d.evidence)),
      };
      const summary = { drills: drills.map((d) => ({ id: d.drillId, destination: d.destination, ok: d.ok, withinRto: d.withinRto, durationMs: d.durationMs, rtoMs: d.rtoMs })) };
      if (!outcome.ok) {
        ctx.catalog.addEvent({
          time: ctx.clock.now().toISOString(), level: 'error', type: 'drill-failed',
          message: `restore drill failed: ${drills.flatMap((d) => d.evidence.failures).slice(0, 3).join('; ')}`, data: summary,
        });
        throw new DrillFailed(outcome);
      }
      return { outcome, result: outcome.withinRto ? ('success' as const) : ('warning' as const), details: summary };
    });
    return { ...run.outcome, runId: run.runId };
  } catch (err) {
    if (err instanceof DrillFailed) return { ...err.outcome, runId };
    throw err;
  }
}
