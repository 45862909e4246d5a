import type { Command } from 'commander';
import { buildEngine, printJson, type CliIo, type GlobalOptions } from '../cli-context.ts';

export function registerSnapshots(program: Command, io: CliIo, run: (action: () => Promise<number>) => Promise<void>): void {
  program
    .command('snapshots')
    .description('list the snapshots in the repository')
    .option('--json', 'machine-readable output')
    .action((opts: { json?: boolean }) =>
      run(async () => {
        const engine = buildEngine(io, program.opts<GlobalOptions>());
        try {
          const list = await engine.snapshots();
          if (opts.json) printJson(io, list);
          else {
            io.stdout(`${'ID'.padEnd(10)}${'Time'.padEnd(26)}${'Kind'.padEnd(8)}${'Tier'.padEnd(6)}Paths\n`);
            for (const s of list) {
              io.stdout(`${s.shortId.padEnd(10)}${s.time.slice(0, 19).replace('T', ' ').padEnd(26)}${s.kind.padEnd(8)}${String(s.tier ?? '-').padEnd(6)}${s.paths.join(', ')}\n`);
            }
            io.stdout(`${list.length} snapshot${list.length === 1 ? '' : 's'}\n`);
          }
          return 0;
        } finally {
          engine.close();
        }
      }),
    );
}
