import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { describeError } from '../../engine/index.ts';
import { buildEngine, type CliIo, type GlobalOptions } from '../cli-context.ts';

/** The scheduler's children run this same CLI entry point. */
/** Job children run the same CLI this daemon was started as (bin/quantai-backup.mjs, or the bundle). */
const cliEntry = (): string => process.argv[1] ?? fileURLToPath(new URL('../../../bin/quantai-backup.mjs', import.meta.url));

export function registerDaemon(program: Command, io: CliIo, run: (action: () => Promise<number>) => Promise<void>): void {
  program
    .command('daemon')
    .description('run the scheduler headless until SIGTERM or SIGINT (SIGHUP reloads the schedule from config.json)')
    .action(() =>
      run(async () => {
        // A service's log is its stderr (journald, launchd, the Windows service wrapper): always at info.
        const engine = buildEngine(io, { ...program.opts<GlobalOptions>(), verbose: true });
        try {
          const hosted = await engine.startScheduler({ host: 'daemon', command: [process.execPath, cliEntry()], env: io.env });
          const onHup = () => {
            hosted.reload().catch((err: unknown) => engine.logger.log('error', `cannot reload the schedule: ${describeError(err)}; keeping the old one`));
          };
          process.on('SIGHUP', onHup);
          const signal = await new Promise<NodeJS.Signals>((resolve) => {
            process.once('SIGTERM', resolve);
            process.once('SIGINT', resolve);
          });
          engine.logger.log('info', `received ${signal}: stopping`);
          // A second signal while the running job winds down must not kill us half-way.
          const repeat = (sig: NodeJS.Signals) => engine.logger.log('warn', `received ${sig} again: still waiting for the running job to stop`);
          process.on('SIGTERM', repeat);
          process.on('SIGINT', repeat);
          process.off('SIGHUP', onHup);
          await hosted.stop();
          process.off('SIGTERM', repeat);
          process.off('SIGINT', repeat);
          return 0;
        } finally {
          engine.close();
        }
      }),
    );
}
