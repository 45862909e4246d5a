import type { Command } from 'commander';
import { buildEngine, printJson, type CliIo, type GlobalOptions } from '../cli-context.ts';

export function registerCheck(program: Command, io: CliIo, run: (action: () => Promise<number>) => Promise<void>): void {
  program
    .command('check')
    .description('check the repository structure; --read-data also reads and verifies every pack')
    .option('--read-data', 'read and verify all data')
    .option('--json', 'machine-readable output')
    .action((opts: { readData?: boolean; json?: boolean }) =>
      run(async () => {
        const engine = buildEngine(io, program.opts<GlobalOptions>());
        try {
          const r = await engine.check({ readData: Boolean(opts.readData) });
          if (opts.json) printJson(io, r);
          else {
            for (const e of r.errors) io.stdout(`error: ${e.message}${e.pack ? ` (pack ${e.pack.slice(0, 8)})` : ''}${e.snapshot ? ` (snapshot ${e.snapshot.slice(0, 8)})` : ''}\n`);
            io.stdout(r.ok ? `no errors found (${r.snapshots} snapshots, ${r.packsChecked} packs${opts.readData ? ' read' : ''})\n` : `${r.errors.length} error(s) found\n`);
          }
          return r.ok ? 0 : 1;
        } finally {
          engine.close();
        }
      }),
    );
}
