/** `quantai-backup offsite copy [--label NAME]`: mirrors the repository onto the mounted enrolled drive now (the 'offsite' job's code). */
import type { Command } from 'commander';
import { buildEngine, formatBytes, printJson, type CliIo, type GlobalOptions } from '../cli-context.ts';
import { progressPrinter } from '../progress-printer.ts';

export function registerOffsiteCopy(offsite: Command, io: CliIo, run: (action: () => Promise<number>) => Promise<void>): void {
  offsite
    .command('copy')
    .description('copy what the mounted enrolled drive lacks (packs, then index, then snapshots; each file fsynced and read back), delete what a local prune removed, then rewrite its recovery kit')
    .option('--label <name>', 'the enrolled drive to copy to (default: the only one mounted)')
    .option('--json', 'machine-readable output')
    .action((opts: { label?: string; json?: boolean }) =>
      run(async () => {
        const engine = buildEngine(io, offsite.parent?.opts<GlobalOptions>() ?? {});
        const stopProgress = progressPrinter(io, engine.events, !opts.json);
        try {
          const r = await engine.offsiteCopy(opts.label !== undefined ? { label: opts.label } : {});
          stopProgress();
          if (opts.json) printJson(io, r);
          else {
            const pruned = r.mirrorPrune.ok && r.mirrorPrune.report.deleted > 0
              ? `, ${r.mirrorPrune.report.deleted} pruned file(s) deleted (${formatBytes(r.mirrorPrune.report.deletedBytes)})` : '';
            io.stdout(`copied to offsite drive '${r.label}' at ${r.repositoryPath}: ${r.uploaded} file(s) (${formatBytes(r.uploadedBytes)}), ${r.skipped} already there${pruned}; `
              + `it holds ${r.snapshotIds.length} snapshot(s) up to ${r.newestSnapshotTime ?? 'none'}\n`);
          }
          // The copy itself is good; only the deletions a local prune asked for did not reach the drive: exit 3.
          // The job already logged why as its one warning line on stderr.
          return r.mirrorPrune.ok ? 0 : 3;
        } finally {
          stopProgress();
          engine.close();
        }
      }),
    );
}
