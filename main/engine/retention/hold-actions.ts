/**
 * Placing and releasing legal holds, as the CLI and the app do it: the scope
 * is checked (a snapshot that exists, a class that exists, a sane range), the
 * change is stored and appended to the operations log, and the log is flushed
 * to the repository so every copy carries the evidence.
 */
import { userInfo } from 'node:os';
import type { OplogTarget } from '../compliance/oplog-batch.ts';
import { logOperation } from '../compliance/oplog-sync.ts';
import type { Config } from '../config/config-schema.ts';
import type { JobContext } from '../engine.ts';
import { ConfigError } from '../errors.ts';
import { retentionClasses } from './data-classes.ts';
import { addHold, releaseHold } from './hold-store.ts';
import { parseHoldTime } from './hold-time.ts';
import { describeScope, type Hold, type HoldScope } from './holds.ts';

export interface HoldRequest {
  /** A snapshot id or unique prefix. */
  snapshot?: string;
  from?: string;
  to?: string;
  className?: string;
  reason: string;
}

function whoAmI(hostname: string): string {
  try {
    return `${userInfo().username}@${hostname}`;
  } catch (err) {
    return `uid ${process.getuid?.() ?? '?'}@${hostname} (${err instanceof Error ? err.message : String(err)})`.slice(0, 120);
  }
}

/** The scope, and the repository when checking the scope opened it (the log's flush reuses its key). */
async function resolveScope(ctx: JobContext, config: Config, r: HoldRequest): Promise<{ scope: HoldScope; repository?: OplogTarget }> {
  const given = [r.snapshot !== undefined, r.from !== undefined || r.to !== undefined, r.className !== undefined].filter(Boolean).length;
  if (given !== 1) throw new ConfigError('a hold covers exactly one of: --snapshot ID, --from TIME --to TIME, or --class NAME');
  if (r.snapshot !== undefined) {
    const repository = await ctx.engine.openRepository(config);
    const entry = await repository.findSnapshot(r.snapshot);
    return { scope: { type: 'snapshot', snapshotId: entry.id }, repository };
  }
  if (r.className !== undefined) {
    const names = retentionClasses(config).map((c) => c.name);
    if (!names.includes(r.className)) throw new ConfigError(`there is no data class "${r.className}" (classes: ${names.join(', ')})`);
    return { scope: { type: 'class', className: r.className } };
  }
  if (r.from === undefined || r.to === undefined) throw new ConfigError('a range hold needs both --from and --to');
  const tz = config.schedule.timezone;
  return { scope: { type: 'range', from: parseHoldTime(r.from, 'from', tz), to: parseHoldTime(r.to, 'to', tz) } };
}

export async function placeHold(ctx: JobContext, config: Config, request: HoldRequest): Promise<Hold> {
  const { scope, repository } = await resolveScope(ctx, config, request);
  const hold = addHold(ctx.catalog, { scope, reason: request.reason, createdBy: whoAmI(ctx.hostname), now: ctx.clock.now() });
  // Logged and flushed at once: the hold is evidence in the repository (and its mirrors) before the command returns.
  await logOperation(ctx, {
    type: 'hold',
    summary: `legal hold #${hold.id} placed on ${describeScope(hold.scope)}: ${hold.reason}`,
    data: { holdId: hold.id, reason: hold.reason, scope: hold.scope },
  }, repository);
  return hold;
}

export async function liftHold(ctx: JobContext, id: number, reason: string): Promise<Hold> {
  const hold = releaseHold(ctx.catalog, id, { reason, releasedBy: whoAmI(ctx.hostname), now: ctx.clock.now() });
  await logOperation(ctx, {
    type: 'hold-release',
    summary: `legal hold #${hold.id} on ${describeScope(hold.scope)} released: ${reason.trim()}`,
    data: { holdId: hold.id, reason: hold.releaseReason, scope: hold.scope },
  });
  return hold;
}
