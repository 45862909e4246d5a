/**
 * The `restore --at TIME` half of the restore command: the point-in-time
 * restore's plan (--dry-run) or the restore itself, in words or JSON.
 */
import { resolve } from 'node:path';
import type { Engine, PitrPlanSummary } from '../../engine/index.ts';
import { ConfigError, parseFrom } from '../../engine/index.ts';
import { formatBytes, printJson, type CliIo } from '../cli-context.ts';

export interface RestoreAtCliOptions {
  at: string;
  to: string;
  force?: boolean;
  dryRun?: boolean;
  json?: boolean;
  from?: string;
  requestThaw?: boolean;
  include?: string[];
  kind?: string;
}

export async function restoreAtCommand(engine: Engine, io: CliIo, ref: string | undefined, opts: RestoreAtCliOptions): Promise<number> {
  if (ref !== undefined) throw new ConfigError(`give either a snapshot (${ref}) or --at, not both`);
  if (opts.include || opts.kind) throw new ConfigError('--include and --kind apply to snapshot restores; --at restores the whole database');
  const r = await engine.restoreAt({
    at: opts.at, to: resolve(opts.to), ...(opts.force ? { force: true } : {}), ...(opts.dryRun ? { dryRun: true } : {}),
    from: parseFrom(opts.from), requestThaw: Boolean(opts.requestThaw),
  });
  if (opts.json) {
    printJson(io, r);
    return 0;
  }
  io.stdout(describePlan(r.plan, r.dryRun));
  if (!r.dryRun) {
    io.stdout(`restored the database as of ${r.plan.reachedAt} to ${r.path} (${formatBytes(r.size)}, sha256 ${r.sha256.slice(0, 16)}..., integrity_check ${r.integrityCheck})\n`);
    if (r.replacedTo) io.stdout(`the database it replaced (and its -wal/-shm) was moved to ${r.replacedTo}\n`);
  }
  return 0;
}

function describePlan(p: PitrPlanSummary, dryRun: boolean): string {
  const lines = [
    `${dryRun ? 'would restore' : 'restoring'} the database as of ${p.at}:`,
    `  base snapshot ${p.baseSnapshotId.slice(0, 8)} taken ${p.baseTime} (generation ${p.generation})`,
    `  then ${p.commits} commits from ${p.segments} replication segments, through frame ${p.reachedFrame}`,
    `  reaching the commit observed at ${p.reachedAt}`,
    `  restorable window: ${p.window.from} to ${p.window.to}`,
    ...p.notes.map((n) => `  note: ${n}`),
  ];
  return `${lines.join('\n')}\n`;
}
