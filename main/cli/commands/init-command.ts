import { resolve } from 'node:path';
import type { Command } from 'commander';
import { buildEngine, printJson, type CliIo, type GlobalOptions } from '../cli-context.ts';

export function registerInit(program: Command, io: CliIo, run: (action: () => Promise<number>) => Promise<void>): void {
  program
    .command('init')
    .description('write a validated config and create the repository (or connect to an existing one)')
    .requiredOption('--repo <path>', 'repository folder (local disk or mounted NAS)')
    .option('--db <path>', 'the trading SQLite database to snapshot')
    .option('--files <dir...>', 'folders to back up')
    .option('--table <name...>', 'required tables (default: trades positions accounts audit_trail)')
    .option('--json', 'machine-readable output')
    .action((opts: { repo: string; db?: string; files?: string[]; table?: string[]; json?: boolean }) =>
      run(async () => {
        const engine = buildEngine(io, program.opts<GlobalOptions>());
        try {
          const result = await engine.initialize({
            repoPath: resolve(opts.repo),
            ...(opts.db ? { dbPath: resolve(opts.db) } : {}),
            ...(opts.files ? { files: opts.files.map((f) => resolve(f)) } : {}),
            ...(opts.table ? { requiredTables: opts.table } : {}),
          });
          if (opts.json) printJson(io, result);
          else {
            io.stdout(`${result.created ? 'created' : 'connected to'} repository ${result.repositoryId.slice(0, 8)} at ${result.repositoryPath}\n`);
            io.stdout(`config written to ${result.configFile}\n`);
          }
          return 0;
        } finally {
          engine.close();
        }
      }),
    );
}
