/** `quantai-backup cloud setup`: configures the bucket and reports each step. */
import type { Command } from 'commander';
import { buildEngine, printJson, type CliIo, type GlobalOptions } from '../cli-context.ts';

const MARK = { done: 'ok  ', skipped: 'skip', unavailable: 'MISS', failed: 'FAIL' } as const;

export function registerCloudSetup(cloud: Command, program: Command, io: CliIo, run: (action: () => Promise<number>) => Promise<void>): void {
  cloud
    .command('setup')
    .description('configure the bucket: versioning, lifecycle (data/ to Standard-IA 30 d, Glacier 90 d, Deep Archive 365 d), encryption, Object Lock, replication')
    .option('--json', 'machine-readable output')
    .action((opts: { json?: boolean }) =>
      run(async () => {
        const engine = buildEngine(io, program.opts<GlobalOptions>());
        try {
          const r = await engine.cloudSetup();
          if (opts.json) printJson(io, r);
          else {
            io.stdout(`bucket ${r.location}\n`);
            for (const s of r.steps) io.stdout(`  ${MARK[s.state]} ${s.step}: ${s.detail}\n`);
            io.stdout(r.ok ? 'bucket set up\n' : 'bucket set-up incomplete: see the lines marked MISS or FAIL\n');
          }
          return r.ok ? 0 : 1;
        } finally {
          engine.close();
        }
      }),
    );
}
