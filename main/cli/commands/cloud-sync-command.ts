import type { Command } from 'commander';
import { buildEngine, formatBytes, printJson, type CliIo, type GlobalOptions } from '../cli-context.ts';
import { progressPrinter } from '../progress-printer.ts';
import type { CloudSyncOutcome } from '../../engine/index.ts';

/** What went wrong beside a good main copy: a failed replica, or deletions that did not reach a bucket. */
export function syncWarnings(r: CloudSyncOutcome): string[] {
  return [
    ...(r.replica && !r.replica.ok ? [`replica ${r.replica.location}: ${r.replica.error}`] : []),
    ...(!r.mirrorPrune.ok ? [`deleting pruned files from ${r.location}: ${r.mirrorPrune.error}`] : []),
    ...(r.replicaPrune && !r.replicaPrune.ok ? [`deleting pruned files from the replica: ${r.replicaPrune.error}`] : []),
  ];
}

/** `cloud sync`: mirror the repository to the bucket now (the scheduled 'cloud' job runs the same code). */
export function registerCloudSync(cloud: Command, program: Command, io: CliIo, run: (action: () => Promise<number>) => Promise<void>): void {
  cloud
    .command('sync')
    .description('mirror the repository to the configured S3 bucket: uploads only what the bucket lacks, packs before index before snapshots')
    .option('--limit-kibps <n>', 'upload cap in KiB/s for this run (the market-hours cap still applies inside blackouts)', (v) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n <= 0) throw new Error(`--limit-kibps must be a positive whole number, got ${JSON.stringify(v)}`);
      return n;
    })
    .option('--json', 'machine-readable output')
    .action((opts: { limitKibps?: number; json?: boolean }) =>
      run(async () => {
        const engine = buildEngine(io, program.opts<GlobalOptions>());
        const stopProgress = progressPrinter(io, engine.events, !opts.json);
        try {
          const r = await engine.cloudSync(opts.limitKibps ? { limitKiBps: opts.limitKibps } : {});
          stopProgress();
          if (opts.json) printJson(io, r);
          else {
            io.stdout(`mirrored to ${r.location}: uploaded ${r.uploaded} file(s) (${formatBytes(r.uploadedBytes)}), ${r.skipped} already there (${formatBytes(r.skippedBytes)})`
              + `${r.replaced > 0 ? `, ${r.replaced} incomplete object(s) replaced` : ''}\n`);
            for (const problem of syncWarnings(r)) io.stdout(`warning: ${problem}\n`);
          }
          // 3: the main copy is good but a replica or a deletion step was not (docs/cli.md exit codes).
          return syncWarnings(r).length > 0 ? 3 : 0;
        } finally {
          stopProgress();
          engine.close();
        }
      }),
    );
}
