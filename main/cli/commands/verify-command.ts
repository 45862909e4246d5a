import type { Command } from 'commander';
import type { VerifyOutcome } from '../../engine/index.ts';
import { buildEngine, formatBytes, printJson, type CliIo, type GlobalOptions } from '../cli-context.ts';
import { progressPrinter } from '../progress-printer.ts';

const short = (id: string): string => id.slice(0, 8);

function printHuman(io: CliIo, r: VerifyOutcome): void {
  const packs = r.level === 'full'
    ? `all ${r.packs.read} packs read`
    : `${r.packs.read} of ${r.packs.total} packs read (every pack within the configured days)`;
  const db = r.database ? `; database snapshot ${short(r.database.snapshotId)} restored and checked` : '; no database snapshot to restore';
  io.stdout(`${r.level} verification of ${r.destination} (${r.location}): ${packs}, ${formatBytes(r.packs.bytesRead)}, ${r.snapshots} snapshots${db}\n`);
  for (const p of r.damagedPacks) {
    io.stdout(`damaged pack ${p.pack}: ${p.snapshots.length > 0 ? `affects snapshot(s) ${p.snapshots.map(short).join(', ')}` : 'no snapshot needs it'}\n`);
    for (const m of p.messages) io.stdout(`  ${m}\n`);
  }
  for (const e of r.errors.filter((x) => !x.pack)) io.stdout(`error: ${e.message}\n`);
  if (r.database && !r.database.ok) {
    for (const c of r.database.checks.filter((x) => x.result === 'fail')) io.stdout(`  database check ${c.name}: ${c.detail ?? `expected ${JSON.stringify(c.expected)}, got ${JSON.stringify(c.actual)}`}\n`);
  }
  if (r.log) {
    io.stdout(r.log.ok
      ? `operations log: ${r.log.entries} entries, chain intact${r.log.pending > 0 ? ` (${r.log.pending} waiting for the next flush)` : ''}\n`
      : `warning: operations log: ${r.log.problems} problem(s), first bad ${r.log.firstBad ?? 'entry unknown'}: run \`quantai-backup compliance verify-log\` for details\n`);
  }
  if (r.ok) io.stdout('no problems found in the data\n');
  else {
    const affected = r.affectedSnapshots.length > 0 ? `; affected snapshot(s): ${r.affectedSnapshots.map(short).join(', ')}` : '';
    io.stdout(`${r.errors.length} problem(s) found${affected}\n`);
  }
}

export function registerVerify(program: Command, io: CliIo, run: (action: () => Promise<number>) => Promise<void>): void {
  program
    .command('verify')
    .description('verify the repository: structure, a rotating share of the pack data and the latest database snapshot restored; --read-data reads every pack')
    .option('--read-data', 'read and verify every pack (the full level)')
    .option('--json', 'machine-readable output')
    .action((opts: { readData?: boolean; json?: boolean }) =>
      run(async () => {
        const engine = buildEngine(io, program.opts<GlobalOptions>());
        const stopProgress = progressPrinter(io, engine.events, !opts.json);
        try {
          const r = await engine.verify({ level: opts.readData ? 'full' : 'daily' });
          stopProgress();
          if (opts.json) printJson(io, r);
          else printHuman(io, r);
          // 3: the data is sound but the operations log is not (docs/cli.md).
          return r.ok ? (r.log && !r.log.ok ? 3 : 0) : 1;
        } finally {
          stopProgress();
          engine.close();
        }
      }),
    );
}
