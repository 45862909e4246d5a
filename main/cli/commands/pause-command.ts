import type { Command } from 'commander';
import { buildEngine, printJson, type CliIo, type GlobalOptions } from '../cli-context.ts';
import { parseJobNames } from './job-arguments.ts';

export function registerPause(program: Command, io: CliIo, run: (action: () => Promise<number>) => Promise<void>): void {
  program
    .command('pause [jobs...]')
    .description('pause scheduled jobs (all when none named), with a reason shown wherever they are listed')
    .requiredOption('--reason <text>', 'why: shown as "paused until X because <text>"')
    .option('--until <time>', 'HH:MM or "YYYY-MM-DD HH:MM" (schedule time zone), an ISO time, or 90m / 2h / 3d; default: until resumed')
    .option('--json', 'machine-readable output')
    .action((names: string[], opts: { reason: string; until?: string; json?: boolean }) =>
      run(async () => {
        const jobs = parseJobNames(names);
        const engine = buildEngine(io, program.opts<GlobalOptions>());
        try {
          const r = await engine.pauseJobs(jobs, opts.until ?? null, opts.reason);
          if (opts.json) printJson(io, r);
          else io.stdout(`paused ${r.jobs.join(', ')} ${r.until ? `until ${r.until}` : 'until resumed'} because ${r.reason}\n`);
          return 0;
        } finally {
          engine.close();
        }
      }),
    );
}
