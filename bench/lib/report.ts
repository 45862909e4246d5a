/** Turns a run's raw figures into the printed table, notes and the one-line JSON record. */
import type { BenchOptions } from './bench-options.ts';
import type { BenchFigures } from './figures.ts';
import { median, ratio } from './stats.ts';
import { fixed, formatTable, megabytes, seconds, times } from './table.ts';

/** ARCHITECTURE.md: a 15-minute snapshot should add at most a third of what `restic backup` adds. */
export const GROWTH_TARGET = 1 / 3;

export function summarize(f: BenchFigures) {
  const sqliteFinished = f.timing.sqliteMs.filter((ms): ms is number => ms !== null);
  const sqliteDnf = sqliteFinished.length < f.timing.sqliteMs.length;
  const m = {
    baselineP99Ms: median(f.timing.baselineP99Ms),
    oursMs: median(f.timing.oursMs),
    oursCopyMs: median(f.timing.oursCopyMs),
    oursP99Ms: median(f.timing.oursP99Ms),
    // A run that never finished has no time: the median of the others would flatter the peer.
    sqliteMs: sqliteDnf ? Number.NaN : median(sqliteFinished),
    sqliteP99Ms: median(f.timing.sqliteP99Ms),
    resticMs: median(f.timing.resticMs),
    resticP99Ms: median(f.timing.resticP99Ms),
    commits: median(f.growth.commits),
    oursGrowthBytes: median(f.growth.oursBytes),
    resticGrowthBytes: median(f.growth.resticBytes),
  };
  return {
    ...m,
    sqliteFinished,
    sqliteDnf,
    growthRatio: ratio(m.oursGrowthBytes, m.resticGrowthBytes),
    timeRatioRestic: ratio(m.oursMs, m.resticMs),
    timeRatioSqlite: ratio(m.oursMs, m.sqliteMs),
  };
}

export function formatReport(opts: BenchOptions, f: BenchFigures): string {
  const s = summarize(f);
  const dnfCount = f.timing.sqliteMs.length - s.sqliteFinished.length;
  const sqliteTime = s.sqliteDnf ? `DNF ${dnfCount}/${f.timing.sqliteMs.length} >${opts.peerTimeoutSeconds}s` : seconds(s.sqliteMs);
  const table = formatTable(
    ['median', 'ours', 'sqlite3 .backup', 'restic backup', 'ours/sqlite3', 'ours/restic'],
    [
      ['first snapshot, no writer (s)', seconds(f.initial.oursMs), '-', seconds(f.initial.resticMs), '-', times(ratio(f.initial.oursMs, f.initial.resticMs))],
      ['snapshot under writer (s)', seconds(s.oursMs), sqliteTime, seconds(s.resticMs), times(s.timeRatioSqlite), times(s.timeRatioRestic)],
      ['writer p99 commit during it (ms)', fixed(s.oursP99Ms, 2), fixed(s.sqliteP99Ms, 2), fixed(s.resticP99Ms, 2), times(ratio(s.oursP99Ms, s.sqliteP99Ms)), times(ratio(s.oursP99Ms, s.resticP99Ms))],
      ['writer p99 commit, alone (ms)', fixed(s.baselineP99Ms, 2), '', '', '', ''],
      [`repo growth per ${opts.txs} tx (MB)`, megabytes(s.oursGrowthBytes), '-', megabytes(s.resticGrowthBytes), '-', times(s.growthRatio)],
    ],
  );
  const finished = s.sqliteFinished.length > 0 ? `${s.sqliteFinished.map(seconds).join(', ')} s` : 'none';
  return [
    '',
    `QuantAI snapshot bench: database ${megabytes(f.database.bytes)} MB (${f.database.trades} trades), writer ${opts.rate} tx/s, ${opts.repeats} repeats, medians`,
    table,
    `growth: ours/restic ${times(s.growthRatio)} ${s.growthRatio <= GROWTH_TARGET ? 'meets' : 'misses'} the architecture's target of <= ${GROWTH_TARGET.toFixed(2)}x` +
      ` (the writer committed a median ${fixed(s.commits, 0)} tx per interval)`,
    'notes: restic backs up the live file as raw bytes (a copy taken while the writer commits can be torn): it is a peer for',
    '  time and growth only, not for consistency. restic times include process start and key derivation' +
      ` (~${seconds(f.resticFixedMs)} s per run here); ours exclude opening the repository (done once, fast test KDF).`,
    `  Our time under the writer includes ${seconds(s.oursCopyMs)} s (median) for the consistent copy and its quick_check.`,
    '  sqlite3 .backup copies 100 pages per step and restarts when another connection commits; DNF k/n = k of n runs did not',
    `  finish in time (not repeated after the first; finished runs: ${finished}).`,
    `  restic check of our repository: ${f.ourRepoCheck}. 1-minute load average: ${fixed(f.loadAverage.start, 2)} at start, ${fixed(f.loadAverage.end, 2)} at end.`,
  ].join('\n');
}

/** One line, last on stdout (`tail -n 1`): options, every raw figure and the medians. NaN becomes null. */
export function formatJson(opts: BenchOptions, f: BenchFigures): string {
  const { sqliteFinished: _finished, ...medians } = summarize(f);
  return JSON.stringify({ bench: 'snapshot', options: opts, ...f, medians });
}
