/** Summaries of repeated measurements. The bench reports medians so one slow outlier does not decide a figure. */

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const hi = sorted[mid] ?? Number.NaN;
  if (sorted.length % 2 === 1) return hi;
  return ((sorted[mid - 1] ?? hi) + hi) / 2;
}

/** ours / peer, or NaN when the peer figure is missing or zero (printed as "n/a"). */
export function ratio(ours: number, peer: number): number {
  if (!Number.isFinite(ours) || !Number.isFinite(peer) || peer === 0) return Number.NaN;
  return ours / peer;
}
