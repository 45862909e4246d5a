/** Every measurement of one snapshot-bench run, kept raw so the JSON line carries each repeat, not only medians. */

export interface InitialFigures {
  oursMs: number;
  resticMs: number;
  oursRepoBytes: number;
  resticRepoBytes: number;
}

export interface TimingFigures {
  baselineP99Ms: number[];
  oursMs: number[];
  /** The part of our snapshot spent on the consistent copy and its quick_check. */
  oursCopyMs: number[];
  oursP99Ms: number[];
  /** null for a run that hit the timeout. */
  sqliteMs: (number | null)[];
  sqliteP99Ms: number[];
  resticMs: number[];
  resticP99Ms: number[];
}

export interface GrowthFigures {
  commits: number[];
  oursBytes: number[];
  /** Pack bytes our writer reported (data, trees, index packs), without snapshot files. */
  oursPackBytes: number[];
  resticBytes: number[];
  /** restic's own "data_added" (its summary), beside the directory growth. */
  resticDataAdded: number[];
}

export interface BenchFigures {
  database: { bytes: number; trades: number; generateMs: number };
  /** A restic command that only opens the repository: its fixed cost per run. */
  resticFixedMs: number;
  initial: InitialFigures;
  timing: TimingFigures;
  growth: GrowthFigures;
  ourRepoCheck: 'ok' | 'skipped';
  loadAverage: { start: number; end: number };
}
