/**
 * Replication lag: from the moment a commit was first seen in the WAL to the
 * moment the segment holding it was durable in the repository. Summarised as
 * p50/p95/max over a window of samples.
 */
export interface LagSummary {
  samples: number;
  p50Ms: number;
  p95Ms: number;
  maxMs: number;
}

export function summarizeLag(lagsMs: readonly number[]): LagSummary {
  if (lagsMs.length === 0) return { samples: 0, p50Ms: 0, p95Ms: 0, maxMs: 0 };
  const sorted = [...lagsMs].sort((a, b) => a - b);
  const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)] ?? 0;
  return { samples: sorted.length, p50Ms: at(0.5), p95Ms: at(0.95), maxMs: sorted.at(-1) ?? 0 };
}
