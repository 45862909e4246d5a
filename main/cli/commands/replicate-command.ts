import type { Command } from 'commander';
import type { ReplicationEvent } from '../../engine/index.ts';
import { buildEngine, type CliIo, type GlobalOptions } from '../cli-context.ts';

/** `quantai-backup replicate`: real-time WAL shipping in the foreground until SIGTERM/SIGINT (then a final sync, exit 0). */
export function registerReplicate(program: Command, io: CliIo, run: (action: () => Promise<number>) => Promise<void>): void {
  program
    .command('replicate')
    .description('ship the database\'s WAL into the repository continuously (real-time replication) until SIGTERM or SIGINT')
    .option('--interval <ms>', 'how often to ship new commits, in ms (default: config replication.intervalMs)')
    .action((opts: { interval?: string }) =>
      run(async () => {
        const engine = buildEngine(io, { ...program.opts<GlobalOptions>(), verbose: true });
        const controller = new AbortController();
        const stop = (signal: NodeJS.Signals) => {
          engine.logger.log('info', `received ${signal}: shipping what is committed, then stopping`);
          controller.abort();
        };
        process.once('SIGTERM', stop);
        process.once('SIGINT', stop);
        try {
          const intervalMs = opts.interval === undefined ? undefined : Number(opts.interval);
          if (intervalMs !== undefined && !(Number.isInteger(intervalMs) && intervalMs >= 50)) {
            io.stderr(`quantai-backup: error: --interval ${opts.interval} is not a whole number of milliseconds >= 50\n`);
            return 2;
          }
          const summary = await engine.replicate({
            signal: controller.signal,
            ...(intervalMs !== undefined ? { intervalMs } : {}),
            onEvent: (e) => announce(io, e),
          });
          io.stdout(`replication stopped: generation ${summary.generation}, ${summary.frameSeq} frames shipped in it; `
            + `this run: ${summary.commits} commits in ${summary.segments} segments, ${summary.generationsStarted} new generation(s)\n`);
          return 0;
        } finally {
          process.off('SIGTERM', stop);
          process.off('SIGINT', stop);
          engine.close();
        }
      }),
    );
}

/** One stdout line for what a person watching needs to know: generations and restarts, not every segment. */
function announce(io: CliIo, e: ReplicationEvent): void {
  if (e.type === 'generation-started') io.stdout(`new generation ${e.generation} (base snapshot ${e.snapshotId.slice(0, 8)}): ${e.reason}\n`);
  else if (e.type === 'resumed') io.stdout(`resuming generation ${e.generation} after frame ${e.frameSeq}\n`);
  else if (e.type === 'wal-restarted') io.stdout(`WAL restarted; generation ${e.generation} continues: ${e.evidence}\n`);
}
