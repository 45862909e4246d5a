/** `quantai-backup offsite checkin <label>`: record that a drive came back from the offsite facility. */
import type { Command } from 'commander';
import { buildEngine, printJson, type CliIo, type GlobalOptions } from '../cli-context.ts';

export function registerOffsiteCheckin(offsite: Command, io: CliIo, run: (action: () => Promise<number>) => Promise<void>): void {
  offsite
    .command('checkin <label>')
    .description('record that the drive came back from the offsite facility')
    .option('--note <text>', 'a remark kept in the register')
    .option('--json', 'machine-readable output')
    .action((label: string, opts: { note?: string; json?: boolean }) =>
      run(async () => {
        const engine = buildEngine(io, offsite.parent?.opts<GlobalOptions>() ?? {});
        try {
          const r = engine.offsiteCheckin(label, opts.note !== undefined ? { note: opts.note } : {});
          if (opts.json) printJson(io, r);
          else io.stdout(`drive '${r.label}' checked in at ${r.time}${r.previous ? ` (offsite since ${r.previous.time})` : ''}\n`);
          return 0;
        } finally {
          engine.close();
        }
      }),
    );
}
