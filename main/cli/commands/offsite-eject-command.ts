/** `quantai-backup offsite eject <label>`: flush and unmount the drive, or say it is safe to remove. */
import type { Command } from 'commander';
import { buildEngine, printJson, type CliIo, type GlobalOptions } from '../cli-context.ts';

export function registerOffsiteEject(offsite: Command, io: CliIo, run: (action: () => Promise<number>) => Promise<void>): void {
  offsite
    .command('eject <label>')
    .description('flush and unmount the connected drive so it can be unplugged (refused while an offsite copy runs)')
    .option('--json', 'machine-readable output')
    .action((label: string, opts: { json?: boolean }) =>
      run(async () => {
        const engine = buildEngine(io, offsite.parent?.opts<GlobalOptions>() ?? {});
        try {
          const r = await engine.offsiteEject(label);
          if (opts.json) printJson(io, r);
          else io.stdout(`${r.message}\n`);
          return 0;
        } finally {
          engine.close();
        }
      }),
    );
}
