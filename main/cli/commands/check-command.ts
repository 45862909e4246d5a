import type { Command } from 'commander';
import { parseFrom } from '../../engine/index.ts';
import { buildEngine, printJson, type CliIo, type GlobalOptions } from '../cli-context.ts';

export function registerCheck(program: Command, io: CliIo, run: (action: () => Promise<number>) => Promise<void>): void {
  program
    .command('check')
    .description('check the repository structure; --read-data also reads and verifies every pack')
    .option('--read-data', 'read and verify all data')
    .option('--from <copy>', "the copy to check: 'local' (default), 'cloud' (read in place from the bucket) or 'offsite:<label>' (an enrolled drive that is mounted)")
    .option('--request-thaw', 'with --from cloud: ask S3 to restore packs in Glacier / Deep Archive, and say when they will be ready')
    .option('--json', 'machine-readable output')
    .action((opts: { readData?: boolean; json?: boolean; from?: string; requestThaw?: boolean }) =>
      run(async () => {
        const engine = buildEngine(io, program.opts<GlobalOptions>());
        try {
          const r = await engine.check({ readData: Boolean(opts.readData), from: parseFrom(opts.from), requestThaw: Boolean(opts.requestThaw) });
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
