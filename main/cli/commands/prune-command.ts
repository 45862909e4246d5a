import { InvalidArgumentError, type Command } from 'commander';
import { buildEngine, formatBytes, printJson, type CliIo, type GlobalOptions } from '../cli-context.ts';
import { progressPrinter } from '../progress-printer.ts';

/** `prune`: remove data no snapshot uses (run after forget); the mirrors follow at their next sync. */
export function registerPrune(program: Command, io: CliIo, run: (action: () => Promise<number>) => Promise<void>): void {
  program
    .command('prune')
    .description('remove data no snapshot uses, repacking partly used packs and consolidating small ones; crash-safe, under an exclusive repository lock')
    .option('--dry-run', 'show what would be deleted and repacked; change nothing')
    .option('--max-unused <percent>', 'unused space tolerated in partly used packs, in percent of the repository (default 5)', (v) => {
      const n = Number(v.replace(/%$/, ''));
      if (!(v.trim() !== '' && Number.isFinite(n) && n >= 0 && n <= 100)) throw new InvalidArgumentError(`--max-unused must be a percentage from 0 to 100, got ${JSON.stringify(v)}`);
      return n;
    })
    .option('--json', 'machine-readable output')
    .action((opts: { dryRun?: boolean; maxUnused?: number; json?: boolean }) =>
      run(async () => {
        const engine = buildEngine(io, program.opts<GlobalOptions>());
        const stopProgress = progressPrinter(io, engine.events, !opts.json);
        try {
          const r = await engine.prune({ dryRun: Boolean(opts.dryRun), ...(opts.maxUnused !== undefined ? { maxUnusedPercent: opts.maxUnused } : {}) });
          stopProgress();
          if (opts.json) printJson(io, r);
          else {
            const would = r.dryRun ? 'would ' : '';
            io.stdout(`${r.snapshots} snapshot(s) keep ${r.blobsKept} blob(s)\n`);
            io.stdout(`${would}delete ${r.packsDeleted} pack(s)${r.orphanPacks > 0 ? ` (${r.orphanPacks} left by interrupted runs)` : ''}, `
              + `${would}repack ${r.packsRepacked} pack(s)${r.smallPacksRepacked > 0 ? ` (${r.smallPacksRepacked} small ones consolidated)` : ''}`
              + ` (${r.blobsRepacked} blob(s), ${formatBytes(r.bytesRepacked)})\n`);
            io.stdout(`${r.dryRun ? 'would free' : 'freed'} ${formatBytes(r.bytesFreed)}: ${formatBytes(r.bytesBefore)} -> ${formatBytes(r.bytesAfter)}`
              + ` (${formatBytes(r.unusedBytesKept)} unused kept, within ${r.maxUnusedPercent}%)\n`);
          }
          return 0;
        } finally {
          stopProgress();
          engine.close();
        }
      }),
    );
}
