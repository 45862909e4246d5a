/**
 * `quantai-backup compliance [report]` and `compliance verify-log`: the
 * retention compliance report and the operations log's chain check.
 */
import type { Command } from 'commander';
import { resolve } from 'node:path';
import { complianceHtml, parseFrom, writeFileAtomic, type ComplianceReport, type VerifyLogOutcome } from '../../engine/index.ts';
import { buildEngine, printJson, type CliIo, type GlobalOptions } from '../cli-context.ts';

type Run = (action: () => Promise<number>) => Promise<void>;

export function registerCompliance(program: Command, io: CliIo, run: Run): void {
  const compliance = program.command('compliance').description('retention compliance: the report per data class, and the operations log check');
  registerReport(compliance, program, io, run);
  registerVerifyLog(compliance, program, io, run);
}

function registerReport(compliance: Command, program: Command, io: CliIo, run: Run): void {
  compliance
    .command('report', { isDefault: true })
    .description('per data class: policy, oldest retained snapshot, coverage, gaps, copies (3-2-1), holds, Object Lock, early deletions')
    .option('--json', 'machine-readable output')
    .option('--html <file>', 'also write the report as one self-contained HTML page')
    .action((opts: { json?: boolean; html?: string }) =>
      run(async () => {
        const engine = buildEngine(io, program.opts<GlobalOptions>());
        try {
          const report = await engine.complianceReport();
          if (opts.html) await writeFileAtomic(resolve(opts.html), complianceHtml(report));
          if (opts.json) printJson(io, report);
          else io.stdout(formatReport(report, opts.html));
          // A violation fails the command (exit 1) so monitoring notices; attention is a warning (exit 3).
          return report.status === 'violation' ? 1 : report.status === 'attention' ? 3 : 0;
        } finally {
          engine.close();
        }
      }),
    );
}

export function formatReport(r: ComplianceReport, htmlFile?: string): string {
  const lines = [`compliance: ${r.status.toUpperCase()} (${r.generatedAt}, time zone ${r.timeZone})`];
  for (const c of r.classes) {
    lines.push(`  ${c.name} (${c.retention}): ${c.snapshots} snapshot(s), oldest ${c.oldest?.slice(0, 10) ?? 'none'}, `
      + `coverage ${c.coverage.coveredDays}/${c.coverage.requiredDays} days, ${c.coverage.gapDays} gap day(s), `
      + `copies ${c.copies}/${c.requiredCopies}, ${c.heldSnapshots} held: ${c.status}${c.problems.length > 0 ? ` — ${c.problems.join('; ')}` : ''}`);
  }
  for (const d of r.earlyDeletions) lines.push(`  DELETION BEFORE RETENTION END: ${d.message}`);
  lines.push(`  copies: local yes, cloud ${r.copies.cloud.current ? 'yes' : 'no'}, offsite ${r.copies.offsite.current ? 'yes' : 'no'}; Object Lock: ${r.objectLock.note}`);
  lines.push(`  legal holds: ${r.holds.length === 0 ? 'none' : r.holds.map((h) => `#${h.id} ${h.scope} (${h.reason})`).join(', ')}`);
  lines.push(`  operations log: ${r.log.entries} entries, ${r.log.pending} waiting for the next flush`);
  if (htmlFile) lines.push(`  HTML report written to ${resolve(htmlFile)}`);
  return `${lines.join('\n')}\n`;
}

function registerVerifyLog(compliance: Command, program: Command, io: CliIo, run: Run): void {
  compliance
    .command('verify-log')
    .description('check the hash chain of the operations log stored in the repository, and compare it with the catalog')
    .option('--from <copy>', "the copy to read: 'local' (default), 'cloud', or 'offsite:<label>' (a mounted enrolled drive)")
    .option('--json', 'machine-readable output')
    .action((opts: { from?: string; json?: boolean }) =>
      run(async () => {
        const engine = buildEngine(io, program.opts<GlobalOptions>());
        try {
          const outcome = await engine.verifyLog({ from: parseFrom(opts.from) });
          if (opts.json) printJson(io, outcome);
          else io.stdout(formatVerifyLog(outcome));
          return outcome.ok ? 0 : 1;
        } finally {
          engine.close();
        }
      }),
    );
}

export function formatVerifyLog(r: VerifyLogOutcome): string {
  const lines: string[] = [];
  const where = `operations log in ${r.from} (${r.location})`;
  if (r.firstBad) lines.push(`first bad entry: ${r.firstBad.message}`);
  for (const f of r.findings.slice(1)) lines.push(`also: ${f.message}`);
  // A mirror catches up at its next sync or copy; the local repository at the next flush.
  const waitsFor = r.from === 'local' ? 'the next flush' : `the next ${r.from === 'cloud' ? 'cloud sync' : 'offsite copy'}`;
  const pending = r.catalog.pending > 0 ? `; ${r.catalog.pending} newer entr${r.catalog.pending === 1 ? 'y is' : 'ies are'} not in this copy yet (${waitsFor})` : '';
  const foreign = r.catalog.onlyInRepository > 0 ? `; ${r.catalog.onlyInRepository} entries are not in this catalog` : '';
  lines.push(r.ok
    ? `${where}: chain intact, ${r.entries} entries in ${r.batches} batch file(s), head ${r.headSeq}${r.headHash ? ` ${r.headHash.slice(0, 16)}` : ''}${pending}${foreign}`
    : `${where}: chain BROKEN, ${r.findings.length} problem(s) in ${r.entries} entries${pending}${foreign}`);
  return `${lines.join('\n')}\n`;
}
