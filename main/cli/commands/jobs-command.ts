import type { Command } from 'commander';
import type { JobReport } from '../../engine/index.ts';
import { buildEngine, printJson, type CliIo, type GlobalOptions } from '../cli-context.ts';

export function registerJobs(program: Command, io: CliIo, run: (action: () => Promise<number>) => Promise<void>): void {
  program
    .command('jobs')
    .description('the schedule: per job its cron, last run, last success, next run and state (no password needed)')
    .option('--json', 'machine-readable output')
    .action((opts: { json?: boolean }) =>
      run(async () => {
        const engine = buildEngine(io, program.opts<GlobalOptions>());
        try {
          const report = await engine.jobs();
          if (opts.json) {
            printJson(io, report);
            return 0;
          }
          io.stdout(`${report.scheduler.text}\ntimes in ${report.timezone}\n\n`);
          const at = (iso: string | null) => (iso ? localTime(iso, report.timezone) : '-');
          const rows = report.jobs.map((j: JobReport) => [
            j.job, j.enabled ? j.cron : `(${j.cron})`, j.lane,
            j.lastRun ? `${j.lastRun.result} ${at(j.lastRun.startedAt)}` : 'never',
            at(j.lastSuccessAt), at(j.nextRunAt), j.stateText,
          ]);
          const header = ['JOB', 'CRON', 'LANE', 'LAST RUN', 'LAST SUCCESS', 'NEXT RUN', 'STATE'];
          const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
          for (const r of [header, ...rows]) io.stdout(`${r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  ')}\n`);
          return 0;
        } finally {
          engine.close();
        }
      }),
    );
}

function localTime(iso: string, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit',
  }).formatToParts(new Date(iso));
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return `${get('year')}-${get('month')}-${get('day')} ${get('hour')}:${get('minute')}`;
}
