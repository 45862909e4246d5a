import type { Command } from 'commander';
import { buildEngine, printJson, type CliIo, type GlobalOptions } from '../cli-context.ts';

/** `quantai-backup replication status [--json]`: generation, position, last shipped commit, lag, state (no password needed). */
export function registerReplication(program: Command, io: CliIo, run: (action: () => Promise<number>) => Promise<void>): void {
  const replication = program.command('replication').description('real-time replication of the database');
  replication
    .command('status')
    .description('generation, WAL position, last shipped commit, lag and state of real-time replication')
    .option('--json', 'machine-readable output')
    .action((opts: { json?: boolean }) =>
      run(async () => {
        const engine = buildEngine(io, program.opts<GlobalOptions>());
        try {
          const s = await engine.replicationStatus();
          if (opts.json) {
            printJson(io, s);
          } else {
            io.stdout(`replication: ${s.state.toUpperCase()} - ${s.message}\n`);
            if (s.dbPath) io.stdout(`database: ${s.dbPath}\n`);
            if (s.generation) {
              io.stdout(`generation: ${s.generation} (started ${s.generationStartedAt})\n`);
              const p = s.walPosition;
              io.stdout(`position: frame ${s.frameSeq} of the generation${p ? ` (WAL salts ${hex(p.salt1)}/${hex(p.salt2)}, frame ${p.walFrames})` : ''}\n`);
              io.stdout(`last shipped commit: ${s.lastCommitAt ?? 'none'}${s.lastShippedAt ? ` (durable at ${s.lastShippedAt})` : ''}\n`);
            }
            const l = s.lag;
            io.stdout(l.samples === 0
              ? `lag: no segments in the last ${s.lagWindowMinutes} minutes\n`
              : `lag (last ${s.lagWindowMinutes} min, ${l.samples} segments): p50 ${ms(l.p50Ms)}, p95 ${ms(l.p95Ms)}, max ${ms(l.maxMs)} (alert above ${s.lagAlertSeconds} s)\n`);
          }
          return s.state === 'failed' || s.state === 'stalled' ? 3 : 0;
        } finally {
          engine.close();
        }
      }),
    );
}

const hex = (n: number) => n.toString(16).padStart(8, '0');
const ms = (v: number) => (v >= 1000 ? `${(v / 1000).toFixed(1)} s` : `${Math.round(v)} ms`);
