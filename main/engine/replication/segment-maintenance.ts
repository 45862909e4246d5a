/**
 * The housekeeping of the wal/ folder: retention first (no point merging
 * segments about to be dropped), then compaction. Safe beside a running
 * replicator: it never touches the newest ten minutes, and a merged segment
 * keeps its last part's end position, so resume still finds where it stood.
 * Meant for the replicator's idle time (every 10 minutes or so) or the daily
 * retention job; either may call it.
 */
import type { Logger } from '../logger.ts';
import type { Repository } from '../repo/repository.ts';
import { compactSegments, type CompactionResult } from './segment-compaction.ts';
import { applySegmentRetention, DEFAULT_REPLICATION_WINDOW_MS, type SegmentRetentionResult } from './segment-retention.ts';

export interface SegmentMaintenanceOptions {
  now: Date;
  /** The point-in-time window (tier 1's "every snapshot" window; 48 h by default). */
  windowMs?: number;
  logger?: Logger;
  signal?: AbortSignal;
}

export async function maintainSegments(repo: Repository, opts: SegmentMaintenanceOptions): Promise<{ retention: SegmentRetentionResult; compaction: CompactionResult }> {
  const common = { now: opts.now, ...(opts.logger ? { logger: opts.logger } : {}), ...(opts.signal ? { signal: opts.signal } : {}) };
  const retention = await applySegmentRetention(repo, { ...common, windowMs: opts.windowMs ?? DEFAULT_REPLICATION_WINDOW_MS });
  const compaction = await compactSegments(repo, common);
  return { retention, compaction };
}
