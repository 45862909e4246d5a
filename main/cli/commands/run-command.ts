import type { Command } from 'commander';
import type { JobProgress } from '../../engine/index.ts';
import { buildEngine, formatBytes, printJson, type CliIo, type GlobalOptions } from '../cli-context.ts';
import { progressPrinter } from '../progress-printer.ts';
import { parseJobNames } from './job-arguments.ts';

/** Progress lines are capped at this rate (phase changes always pass) so a fast job does not flood the pipe. */
const PROGRESS_LINE_INTERVAL_MS = 250;

export function registerRun(program: Command, io: CliIo, run: (action: () => Promise<number>) => Promise<void>): void {
  program
    .command('run <job>')
    .description('run one scheduled job now, the same code path as the scheduler (snapshot, backup, full, cloud, offsite, verify, retention, drill)')
    .option('--json', 'machine-readable result')
    .option('--progress-json', 'one JSON event per line on stdout: job-started, job-progress, job-finished, then result')
    .action((jobName: string, opts: { json?: boolean; progressJson?: boolean }) =>
      run(async () => {
        const [job] = parseJobNames([jobName]);
        const engine = buildEngine(io, program.opts<GlobalOptions>());
        const line = (value: unknown) => io.stdout(`${JSON.stringify(value)}\n`);
        // SIGTERM (the scheduler stopping) and Ctrl-C become an AbortSignal: the job stops at a safe point.
        const controller = new AbortController();
        const onSignal = (sig: NodeJS.Signals) => controller.abort(new Error(`received ${sig}`));
        process.on('SIGTERM', onSignal);
        process.on('SIGINT', onSignal);
        const stopProgress = progressPrinter(io, engine.events, !opts.json && !opts.progressJson);
        const onStarted = (e: { job: string; runId: number }) => line({ event: 'job-started', ...e });
        const onFinished = (e: object) => line({ event: 'job-finished', ...e });
        if (opts.progressJson) {
          engine.events.on('job-started', onStarted);
          engine.events.on('job-finished', onFinished);
        }
        let lastLine = 0;
        let lastPhase = '';
        const onProgress = (p: JobProgress) => {
          if (!opts.progressJson) return;
          const now = Date.now();
          if (p.phase === lastPhase && now - lastLine < PROGRESS_LINE_INTERVAL_MS) return;
          lastLine = now;
          lastPhase = p.phase;
          line({ event: 'job-progress', ...p });
        };
        try {
          const r = await engine.runJob(job!, { signal: controller.signal, onProgress });
          if (opts.progressJson) line({ event: 'result', job, ...r });
          else if (opts.json) printJson(io, { job, ...r });
          else {
            const added = r.bytesAdded !== undefined ? `, ${formatBytes(r.bytesAdded)} added` : '';
            const snap = r.snapshotId ? `, snapshot ${r.snapshotId.slice(0, 8)}` : '';
            io.stdout(`${job}: ${r.result} (run ${r.runId}${snap}${added})\n`);
          }
          if (r.result === 'skipped') io.stderr(`quantai-backup: warning: ${job} skipped: ${r.reason ?? 'nothing to do'}\n`);
          return r.result === 'success' ? 0 : 3;
        } finally {
          process.off('SIGTERM', onSignal);
          process.off('SIGINT', onSignal);
          engine.events.off('job-started', onStarted);
          engine.events.off('job-finished', onFinished);
          stopProgress();
          engine.close();
        }
      }),
    );
}
