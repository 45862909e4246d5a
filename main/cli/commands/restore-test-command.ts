import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import type { DrillResult } from '../../engine/index.ts';
import { buildEngine, formatBytes, printJson, type CliIo, type GlobalOptions } from '../cli-context.ts';
import { progressPrinter } from '../progress-printer.ts';

const seconds = (ms: number): string => (ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`);
const minutes = (ms: number): string => `${Math.round(ms / 60_000)} min`;

function printHuman(io: CliIo, d: DrillResult): void {
  const e = d.evidence;
  io.stdout(`restore drill on ${d.destination} (${e.destination.location}): ${d.ok ? 'PASSED' : 'FAILED'}${d.withinRto ? '' : ', SLOWER than its recovery-time objective'}\n`);
  if (e.database) {
    const db = e.database;
    const tables = db.tables ? Object.entries(db.tables).map(([t, n]) => `${t}=${n}`).join(' ') : 'not restored';
    io.stdout(`  database snapshot ${db.snapshotId.slice(0, 8)}: ${db.size === null ? 'not restored' : formatBytes(db.size)} in ${seconds(db.restoreMs)} (objective ${minutes(db.rtoMs)}); ${tables}\n`);
  }
  if (e.files) {
    const f = e.files;
    const passed = f.sampled.filter((s) => s.result === 'pass').length;
    io.stdout(`  file snapshot ${f.snapshotId.slice(0, 8)}: ${passed} of ${f.sampled.length} sampled files restored (${formatBytes(f.restoredBytes)} in ${seconds(f.restoreMs)}); full restore of ${f.filesInSnapshot} files estimated ${seconds(f.estimatedFullRestoreMs)} (objective ${minutes(f.rtoMs)})\n`);
  }
  for (const failure of e.failures) io.stdout(`  failed: ${failure}\n`);
  io.stdout(`  evidence: drill ${d.drillId} in the catalog\n`);
}

export function registerRestoreTest(program: Command, io: CliIo, run: (action: () => Promise<number>) => Promise<void>): void {
  program
    .command('restore-test')
    .description('restore drill: restore the latest database snapshot and a sample of files into a temporary folder, check them and time them')
    .option('--json', 'machine-readable output')
    .option('--html <file>', 'also write the evidence report as a standalone HTML page')
    .action((opts: { json?: boolean; html?: string }) =>
      run(async () => {
        const engine = buildEngine(io, program.opts<GlobalOptions>());
        const stopProgress = progressPrinter(io, engine.events, !opts.json);
        try {
          const r = await engine.restoreTest();
          stopProgress();
          if (opts.html) await writeFile(resolve(opts.html), r.html, { mode: 0o600 });
          if (opts.json) printJson(io, { runId: r.runId, ok: r.ok, withinRto: r.withinRto, drills: r.drills });
          else {
            for (const d of r.drills) printHuman(io, d);
            if (opts.html) io.stdout(`evidence report written to ${resolve(opts.html)}\n`);
          }
          return r.ok ? 0 : 1;
        } finally {
          stopProgress();
          engine.close();
        }
      }),
    );
}
