/** `quantai-backup offsite checkout <label>`: record that a drive left for the offsite facility. */
import type { Command } from 'commander';
import { buildEngine, printJson, type CliIo, type GlobalOptions } from '../cli-context.ts';

export function registerOffsiteCheckout(offsite: Command, io: CliIo, run: (action: () => Promise<number>) => Promise<void>): void {
  offsite
    .command('checkout <label>')
    .description('record that the drive left for the offsite facility')
    .option('--note <text>', 'where it went, who took it (kept in the register)')
    .option('--force', 'record it even though the drive holds no completed copy')
    .option('--json', 'machine-readable output')
    .action((label: string, opts: { note?: string; force?: boolean; json?: boolean }) =>
      run(async () => {
        const engine = buildEngine(io, offsite.parent?.opts<GlobalOptions>() ?? {});
        try {
          const r = engine.offsiteCheckout(label, { ...(opts.note !== undefined ? { note: opts.note } : {}), force: opts.force === true });
          if (opts.json) printJson(io, r);
          else io.stdout(`drive '${r.label}' checked out at ${r.time}${r.note ? ` (${r.note})` : ''}\n`);
          return 0;
        } finally {
          engine.close();
        }
      }),
    );
}
