import type { Command } from 'commander';
import { buildEngine, formatBytes, printJson, type CliIo, type GlobalOptions } from '../cli-context.ts';

export function registerStatus(program: Command, io: CliIo, run: (action: () => Promise<number>) => Promise<void>): void {
  program
    .command('status')
    .description('configuration, last snapshots and last runs (no password needed)')
    .option('--json', 'machine-readable output')
    .action((opts: { json?: boolean }) =>
      run(async () => {
        const engine = buildEngine(io, program.opts<GlobalOptions>());
        try {
          const s = await engine.status();
          if (opts.json) {
            printJson(io, s);
            return s.configError ? 2 : 0;
          }
          io.stdout(`home: ${s.home}\n`);
          if (s.configError) {
            io.stderr(`quantai-backup: error: ${s.configError}\n`);
            return 2;
          }
          if (!s.configured) {
            io.stdout('not configured: run `quantai-backup init --db PATH --repo PATH`\n');
            return 0;
          }
          io.stdout(`repository: ${s.repository?.path}${s.repository?.present ? '' : ' (MISSING: is it mounted?)'}\n`);
          if (s.database) io.stdout(`database: ${s.database.path}\n`);
          for (const f of s.fileSources) io.stdout(`files: ${f}\n`);
          const db = s.lastDatabaseSnapshot;
          io.stdout(`last database snapshot: ${db ? `${db.id.slice(0, 8)} at ${db.time} (${formatBytes(db.bytesAdded)} added)` : 'none'}\n`);
          const fb = s.lastFileBackup;
          io.stdout(`last file backup: ${fb ? `${fb.id.slice(0, 8)} at ${fb.time}` : 'none'}\n`);
          for (const [job, run] of Object.entries(s.lastRuns)) {
            if (run) io.stdout(`last ${job}: ${run.result} at ${run.startedAt}${run.errorMessage ? ` - ${run.errorMessage}` : ''}\n`);
          }
          return 0;
        } finally {
          engine.close();
        }
      }),
    );
}
