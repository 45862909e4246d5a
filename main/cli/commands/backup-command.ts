import type { Command } from 'commander';
import { buildEngine, formatBytes, printJson, type CliIo, type GlobalOptions } from '../cli-context.ts';
import { progressPrinter } from '../progress-printer.ts';

export const EXIT_WARNINGS = 3;

export function registerBackup(program: Command, io: CliIo, run: (action: () => Promise<number>) => Promise<void>): void {
  program
    .command('backup')
    .description('back up the configured folders (unchanged files are reused from the last backup)')
    .option('--full', 're-read every file instead of trusting the previous snapshot')
    .option('--json', 'machine-readable output')
    .action((opts: { full?: boolean; json?: boolean }) =>
      run(async () => {
        const engine = buildEngine(io, program.opts<GlobalOptions>());
        const stopProgress = progressPrinter(io, engine.events, !opts.json);
        try {
          const r = await engine.backupFiles({ ...(opts.full ? { full: true } : {}) });
          if (opts.json) {
            printJson(io, { snapshotId: r.snapshotId, runId: r.runId, result: r.result, bytesAdded: r.bytesAdded, bytesRead: r.bytesRead, totalFileBytes: r.totalFileBytes, filesNew: r.filesNew, filesChanged: r.filesChanged, filesUnchanged: r.filesUnchanged, warnings: r.warnings });
          } else {
            io.stdout(`backup ${r.snapshotId.slice(0, 8)} saved: ${r.filesNew} new, ${r.filesChanged} changed, ${r.filesUnchanged} unchanged files; ${formatBytes(r.bytesAdded)} added\n`);
            for (const w of r.warnings) io.stderr(`warning: ${w.path}: ${w.message ?? w.kind}\n`);
          }
          return r.warnings.length > 0 ? EXIT_WARNINGS : 0;
        } finally {
          stopProgress();
          engine.close();
        }
      }),
    );
}
