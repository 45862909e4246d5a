import type { Command } from 'commander';
import { buildEngine, formatBytes, printJson, type CliIo, type GlobalOptions } from '../cli-context.ts';
import { formatHealth } from '../health-printer.ts';

export function registerStatus(program: Command, io: CliIo, run: (action: () => Promise<number>) => Promise<void>): void {
  program
    .command('status')
    .description('health (overall, per tier and destination, open problems), configuration, last snapshots and runs (no password needed)')
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
          // The overall state comes first: it is what a person or a glance at a log needs.
          if (s.health) {
            for (const line of formatHealth(s.health)) io.stdout(`${line}\n`);
          } else {
            io.stdout(`health: UNKNOWN (${s.configError ? 'the config is not valid' : 'not configured'})\n`);
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
