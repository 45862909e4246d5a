import type { Command } from 'commander';
import { buildEngine, printJson, type CliIo, type GlobalOptions } from '../cli-context.ts';
import { parseJobNames } from './job-arguments.ts';

export function registerResume(program: Command, io: CliIo, run: (action: () => Promise<number>) => Promise<void>): void {
  program
    .command('resume [jobs...]')
    .description('resume paused jobs (all when none named)')
    .option('--json', 'machine-readable output')
    .action((names: string[], opts: { json?: boolean }) =>
      run(async () => {
        const jobs = parseJobNames(names);
        const engine = buildEngine(io, program.opts<GlobalOptions>());
        try {
          const resumed = engine.resumeJobs(jobs);
          if (opts.json) printJson(io, { resumed });
          else io.stdout(resumed.length > 0 ? `resumed ${resumed.join(', ')}\n` : 'nothing was paused\n');
          return 0;
        } finally {
          engine.close();
        }
      }),
    );
}
