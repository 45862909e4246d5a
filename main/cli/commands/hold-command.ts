/**
 * `quantai-backup hold add|list|release`: legal holds. A held snapshot is never
 * forgotten, whatever the retention policy says; a release is recorded (when,
 * why, by whom), never deleted.
 */
import type { Command } from 'commander';
import { ConfigError, describeScope, type Hold } from '../../engine/index.ts';
import { buildEngine, printJson, type CliIo, type GlobalOptions } from '../cli-context.ts';

type Run = (action: () => Promise<number>) => Promise<void>;

export function registerHold(program: Command, io: CliIo, run: Run): void {
  const hold = program.command('hold').description('legal holds: snapshots, time ranges or data classes that retention must never forget');
  hold
    .command('add')
    .description('place a legal hold on one snapshot, a time range or a data class')
    .option('--snapshot <id>', 'a snapshot id or unique prefix')
    .option('--from <time>', 'range start: a date (whole day on the schedule clock), YYYY-MM-DDTHH:MM, or an ISO time')
    .option('--to <time>', 'range end (included)')
    .option('--class <name>', 'a data class (see config retention.classes)')
    .requiredOption('--reason <text>', 'why, e.g. "SEC inquiry 2026-114"')
    .option('--json', 'machine-readable output')
    .action((opts: { snapshot?: string; from?: string; to?: string; class?: string; reason: string; json?: boolean }) =>
      run(async () => {
        const scopes = [opts.snapshot !== undefined, opts.from !== undefined || opts.to !== undefined, opts.class !== undefined].filter(Boolean).length;
        if (scopes !== 1) throw new ConfigError('hold add needs exactly one of --snapshot ID, --from TIME --to TIME, or --class NAME');
        if ((opts.from === undefined) !== (opts.to === undefined)) throw new ConfigError('a range hold needs both --from and --to');
        const engine = buildEngine(io, program.opts<GlobalOptions>());
        try {
          const h = await engine.addHold({
            reason: opts.reason,
            ...(opts.snapshot !== undefined ? { snapshot: opts.snapshot } : {}),
            ...(opts.from !== undefined ? { from: opts.from } : {}),
            ...(opts.to !== undefined ? { to: opts.to } : {}),
            ...(opts.class !== undefined ? { className: opts.class } : {}),
          });
          if (opts.json) printJson(io, h);
          else io.stdout(`legal hold #${h.id} placed on ${describeScope(h.scope)}: ${h.reason}\n`);
          return 0;
        } finally {
          engine.close();
        }
      }),
    );
  hold
    .command('list')
    .description('list the active legal holds (--all: released ones too)')
    .option('--all', 'include released holds')
    .option('--json', 'machine-readable output')
    .action((opts: { all?: boolean; json?: boolean }) =>
      run(async () => {
        const engine = buildEngine(io, program.opts<GlobalOptions>());
        try {
          const holds = engine.holds({ all: opts.all ?? false });
          if (opts.json) printJson(io, holds);
          else io.stdout(formatHolds(holds, opts.all ?? false));
          return 0;
        } finally {
          engine.close();
        }
      }),
    );
  hold
    .command('release <id>')
    .description('release a legal hold (recorded with the reason; the hold stays in the history)')
    .requiredOption('--reason <text>', 'why, e.g. "inquiry closed"')
    .option('--json', 'machine-readable output')
    .action((idText: string, opts: { reason: string; json?: boolean }) =>
      run(async () => {
        const id = Number(idText.replace(/^#/, ''));
        if (!Number.isInteger(id) || id <= 0) throw new ConfigError(`"${idText}" is not a hold number: see \`quantai-backup hold list\``);
        const engine = buildEngine(io, program.opts<GlobalOptions>());
        try {
          const h = await engine.releaseHold(id, opts.reason);
          if (opts.json) printJson(io, h);
          else io.stdout(`legal hold #${h.id} on ${describeScope(h.scope)} released: ${h.releaseReason ?? ''}\n`);
          return 0;
        } finally {
          engine.close();
        }
      }),
    );
}

export function formatHolds(holds: readonly Hold[], all: boolean): string {
  if (holds.length === 0) return all ? 'no legal holds were ever placed\n' : 'no active legal holds\n';
  const lines = holds.map((h) => {
    const released = h.releasedAt ? `  RELEASED ${h.releasedAt.slice(0, 16).replace('T', ' ')} UTC by ${h.releasedBy ?? '?'}: ${h.releaseReason ?? ''}` : '';
    return `#${String(h.id).padEnd(4)} ${h.createdAt.slice(0, 16).replace('T', ' ')} UTC  ${describeScope(h.scope)}  "${h.reason}" (by ${h.createdBy})${released}`;
  });
  return `${lines.join('\n')}\n`;
}
