import type { Command } from 'commander';
import { buildEngine, formatBytes, printJson, type CliIo, type GlobalOptions } from '../cli-context.ts';
import { progressPrinter } from '../progress-printer.ts';

export function registerSnapshot(program: Command, io: CliIo, run: (action: () => Promise<number>) => Promise<void>): void {
  program
    .command('snapshot')
    .description('take a consistent, verified snapshot of the configured database')
    .option('--json', 'machine-readable output')
    .action((opts: { json?: boolean }) =>
      run(async () => {
        const engine = buildEngine(io, program.opts<GlobalOptions>());
        const stopProgress = progressPrinter(io, engine.events, !opts.json);
        try {
          const r = await engine.snapshotDatabase();
          if (opts.json) {
            printJson(io, { snapshotId: r.snapshotId, runId: r.runId, sizeBytes: r.sizeBytes, bytesAdded: r.bytesAdded, sha256: r.sha256, tables: r.tables, copyMs: Math.round(r.copyMs), totalMs: Math.round(r.totalMs) });
          } else {
            const counts = Object.entries(r.tables).map(([t, n]) => `${t}=${n}`).join(' ');
            io.stdout(`snapshot ${r.snapshotId.slice(0, 8)} saved: ${formatBytes(r.sizeBytes)} database, ${formatBytes(r.bytesAdded)} added, verified (quick_check ok; ${counts}) in ${(r.totalMs / 1000).toFixed(1)} s\n`);
          }
          return 0;
        } finally {
          stopProgress();
          engine.close();
        }
      }),
    );
}
