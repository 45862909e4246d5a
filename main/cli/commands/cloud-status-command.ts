/** `quantai-backup cloud status`: what the bucket has and lacks. */
import type { Command } from 'commander';
import { buildEngine, printJson, type CliIo, type GlobalOptions } from '../cli-context.ts';

const MARK = { ok: 'ok  ', missing: 'MISS', 'not-wanted': '-   ', unknown: '??  ' } as const;

export function registerCloudStatus(cloud: Command, program: Command, io: CliIo, run: (action: () => Promise<number>) => Promise<void>): void {
  cloud
    .command('status')
    .description('what the bucket has and lacks: versioning, lifecycle rules, Object Lock, encryption, replication')
    .option('--json', 'machine-readable output')
    .action((opts: { json?: boolean }) =>
      run(async () => {
        const engine = buildEngine(io, program.opts<GlobalOptions>());
        try {
          const r = await engine.cloudStatus();
          if (opts.json) printJson(io, r);
          else {
            io.stdout(`bucket ${r.location}\n`);
            for (const a of r.aspects) io.stdout(`  ${MARK[a.state]} ${a.aspect}: ${a.detail}\n`);
            io.stdout(r.ok ? 'bucket has everything the config asks for\n' : 'bucket lacks settings: run `quantai-backup cloud setup`\n');
          }
          return r.ok ? 0 : 1;
        } finally {
          engine.close();
        }
      }),
    );
}
