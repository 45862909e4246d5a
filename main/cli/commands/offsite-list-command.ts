/** `quantai-backup offsite list`: every enrolled drive, where it is, what it holds and what is due. */
import type { Command } from 'commander';
import { buildEngine, printJson, type CliIo, type GlobalOptions } from '../cli-context.ts';
import type { OffsiteDriveReport, OffsiteReport } from '../../engine/offsite/offsite-report.ts';

function lastCopyLine(d: OffsiteDriveReport): string {
  if (!d.lastCopy) return 'never copied';
  const c = d.lastCopy;
  const state = c.ok === null ? `started ${c.startedAt}, did not finish` : c.ok ? `ok ${c.finishedAt ?? c.startedAt}` : `FAILED ${c.finishedAt ?? c.startedAt}${c.error ? `: ${c.error}` : ''}`;
  const holds = d.lastOkCopyAt
    ? `; holds ${d.snapshotCount} snapshot${d.snapshotCount === 1 ? '' : 's'} up to ${d.newestSnapshotTime ?? 'unknown'} (copied ${d.lastOkCopyAt})`
    : '; holds no completed copy';
  return `last copy ${state}${holds}`;
}

function printReport(io: CliIo, r: OffsiteReport): void {
  if (r.drives.length === 0) {
    io.stdout('no offsite drive is enrolled: enroll one with `quantai-backup offsite enroll <mount> --label NAME`\n');
    return;
  }
  const newest = r.copy.newestCopyAt ? `newest offsite copy ${r.copy.newestCopyAt}` : 'no offsite copy yet';
  const next = r.copy.dueAt ? (r.copy.due ? `a copy is DUE (since ${r.copy.dueAt})` : `next copy due ${r.copy.dueAt}`) : '';
  io.stdout(`rotation every ${r.rotationDays} days; ${newest}${next ? `; ${next}` : ''}\n`);
  for (const d of r.drives) {
    const where = d.location === 'offsite' ? `OFFSITE since ${d.leftAt}` : d.location === 'retired' ? `retired ${d.retiredAt}` : `onsite${d.returnedAt ? ` since ${d.returnedAt}` : ''}`;
    io.stdout(`\n${d.label}  ${where}  (${d.fsType ?? 'unknown fs'}, UUID ${d.fsUuid})\n`);
    io.stdout(`  ${lastCopyLine(d)}\n`);
    io.stdout(`  left ${d.leftAt ?? 'never'}${d.leftNote ? ` (${d.leftNote})` : ''}; back ${d.returnedAt ?? 'never'}\n`);
    for (const due of d.due) io.stdout(`  due: ${due.title}\n`);
  }
  const unnamed = r.reminders.filter((x) => x.label === null);
  if (r.reminders.length > 0) io.stdout('\n');
  for (const x of [...r.reminders.filter((y) => y.label !== null), ...unnamed]) io.stdout(`! ${x.message}\n`);
}

export function registerOffsiteList(offsite: Command, io: CliIo, run: (action: () => Promise<number>) => Promise<void>): void {
  offsite
    .command('list')
    .description('every offsite drive: where it is, its last copy, the newest snapshot it holds, and what is due')
    .option('--json', 'machine-readable output')
    .action((opts: { json?: boolean }) =>
      run(async () => {
        const engine = buildEngine(io, offsite.parent?.opts<GlobalOptions>() ?? {});
        try {
          const r = await engine.offsiteList();
          if (opts.json) printJson(io, r);
          else printReport(io, r);
          return 0;
        } finally {
          engine.close();
        }
      }),
    );
}
