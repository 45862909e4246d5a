import type { Command } from 'commander';
import { formatWall } from '../../engine/index.ts';
import { buildEngine, printJson, type CliIo, type GlobalOptions } from '../cli-context.ts';

/** On the schedule's clock, like `forget` and `jobs`, so a time copied from here means the same to `restore --at`. */
function onClock(time: string, timeZone: string): string {
  const t = new Date(time);
  return `${formatWall(t, timeZone, true)}:${String(t.getUTCSeconds()).padStart(2, '0')}`;
}

export function registerSnapshots(program: Command, io: CliIo, run: (action: () => Promise<number>) => Promise<void>): void {
  program
    .command('snapshots')
    .description('list the snapshots in the repository')
    .option('--json', 'machine-readable output')
    .action((opts: { json?: boolean }) =>
      run(async () => {
        const engine = buildEngine(io, program.opts<GlobalOptions>());
        try {
          const list = await engine.snapshots();
          if (opts.json) printJson(io, list);
          else {
            const zone = (await engine.config()).schedule.timezone;
            io.stdout(`times on the ${zone} clock\n`);
            io.stdout(`${'ID'.padEnd(10)}${'Time'.padEnd(26)}${'Kind'.padEnd(8)}${'Tier'.padEnd(6)}Paths\n`);
            for (const s of list) {
              io.stdout(`${s.shortId.padEnd(10)}${onClock(s.time, zone).padEnd(26)}${s.kind.padEnd(8)}${String(s.tier ?? '-').padEnd(6)}${s.paths.join(', ')}\n`);
            }
            io.stdout(`${list.length} snapshot${list.length === 1 ? '' : 's'}\n`);
          }
          return 0;
        } finally {
          engine.close();
        }
      }),
    );
}
