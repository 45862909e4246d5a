/**
 * `quantai-backup forget [--dry-run] [--force] [--json]`: applies the retention
 * policy. Lists every snapshot that goes and, for each kept one, the rules that
 * keep it; without --dry-run removes the snapshot files (data stays until
 * `prune`). Held and unclassified snapshots are always kept.
 */
import type { Command } from 'commander';
import { formatWall, type ForgetReport, type RetentionDecision } from '../../engine/index.ts';
import { buildEngine, printJson, type CliIo, type GlobalOptions } from '../cli-context.ts';

export function registerForget(program: Command, io: CliIo, run: (action: () => Promise<number>) => Promise<void>): void {
  program
    .command('forget')
    .description('apply the retention policy: remove the snapshots it does not keep (held and unclassified snapshots always stay)')
    .option('--dry-run', 'only show what would be forgotten and why every other snapshot stays')
    .option('--force', 'go past the safety brake (retention.maxForgetShare of the snapshots in one run)')
    .option('--json', 'machine-readable output')
    .action((opts: { dryRun?: boolean; force?: boolean; json?: boolean }) =>
      run(async () => {
        const engine = buildEngine(io, program.opts<GlobalOptions>());
        try {
          const report = await engine.forget({ ...(opts.dryRun ? { dryRun: true } : {}), ...(opts.force ? { force: true } : {}) });
          if (opts.json) printJson(io, report);
          else io.stdout(formatForget(report));
          return 0;
        } finally {
          engine.close();
        }
      }),
    );
}

function line(d: RetentionDecision, verb: string, timeZone: string): string {
  // On the schedule's clock, like the bucket labels ('hourly 2026-11-27 14:00').
  const when = formatWall(new Date(d.time), timeZone, true);
  return `${verb.padEnd(13)}${d.id.slice(0, 8)}  ${when}  ${(d.className ?? '-').padEnd(16)} ${d.keep ? d.reasons.join('; ') : ''}`.trimEnd();
}

export function formatForget(r: ForgetReport): string {
  const out: string[] = [];
  const go = r.dryRun ? 'would forget' : 'forgot';
  out.push(`${''.padEnd(13)}${'id'.padEnd(10)}${'time'.padEnd(18)}${'class'.padEnd(17)}kept by`);
  for (const d of r.decisions) out.push(line(d, d.keep ? 'keep' : go, r.timeZone));
  const pct = (x: number): string => `${Math.round(x * 1000) / 10}%`;
  const rules = Object.entries(r.byRule).filter(([, n]) => n > 0).map(([rule, n]) => `${rule} ${n}`).join(', ');
  out.push(`${r.total} snapshot(s): ${r.kept} kept, ${r.forgotten} ${r.dryRun ? 'would be forgotten' : 'forgotten'} (${pct(r.share)}; buckets on the ${r.timeZone} clock)`);
  if (rules) out.push(`kept by rule: ${rules}`);
  if (r.byRule.unclassified > 0) out.push(`${r.byRule.unclassified} unclassified snapshot(s) kept: no data class matches them, and retention never forgets what it cannot classify`);
  if (r.brakeTripped) {
    out.push(`safety brake: this is more than retention.maxForgetShare (${pct(r.maxShare)}); ${r.dryRun ? 'a real run needs --force' : 'forced'}`);
  }
  if (!r.dryRun && r.forgotten > 0) out.push('the data stays in the repository until `quantai-backup prune`');
  return `${out.join('\n')}\n`;
}
