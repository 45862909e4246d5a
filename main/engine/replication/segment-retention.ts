/**
 * Retention of replication data under the tier-1 policy's "every snapshot"
 * window (48 hours by default): point-in-time restore must reach any moment
 * of the last `windowMs`, and nothing older.
 *
 * A segment is useless without its generation's base and every segment
 * before it, so retention drops whole generations, never a generation's
 * head: it keeps the newest generation whose base is at or before the window
 * start (the one that serves the window's first moment) and every later one,
 * and drops the segments of all older generations, newest segment first (a
 * crash part-way leaves a shorter generation that still restores).
 * Segments of a generation without a base snapshot (its base was forgotten,
 * or never stored) are dropped once the generation id's start time is older
 * than the window. A generation lives until a newer one starts, so the
 * replicator should start one at least daily (rebaseDue below).
 *
 * Base snapshots are ordinary tier-1 database snapshots; the retention policy
 * (R1) decides when they go, except that it must keep the bases of retained
 * generations: `retainedBaseSnapshots` names them.
 */
import { DEFAULT_POINT_IN_TIME_MS, DEFAULT_REBASE_AFTER_MS } from '../config/replication-schema.ts';
import type { Logger } from '../logger.ts';
import type { Repository } from '../repo/repository.ts';
import type { SnapshotEntry } from '../repo/types.ts';
import type { GenerationBase, SegmentRef } from './pitr-plan.ts';
import { basesOf, listSegments } from './pitr-source.ts';

/** The tier-1 default: every snapshot within 48 h (R1's keepWithin for tier 1); replication.pointInTimeHours. */
export const DEFAULT_REPLICATION_WINDOW_MS = DEFAULT_POINT_IN_TIME_MS;

export interface RetentionDecision {
  /** Generations whose bases must not be forgotten (their segments are kept). */
  retained: GenerationBase[];
  /** Segments to delete, grouped per generation, newest first within each. */
  drop: { generation: string; reason: string; segments: SegmentRef[] }[];
}

/** The start time a generation id encodes (its first 12 hex digits are ms since the epoch). */
export function generationStartMs(generation: string): number {
  return Number.parseInt(generation.slice(0, 12), 16);
}

export function decideSegmentRetention(bases: GenerationBase[], segments: SegmentRef[], now: Date, windowMs: number): RetentionDecision {
  const windowStart = now.getTime() - windowMs;
  const ordered = [...bases].sort((a, b) => a.time.getTime() - b.time.getTime());
  const anchor = ordered.findLastIndex((b) => b.time.getTime() <= windowStart);
  const retained = anchor < 0 ? ordered : ordered.slice(anchor);
  const retainedIds = new Set(retained.map((b) => b.generation));
  const baseIds = new Set(ordered.map((b) => b.generation));

  const byGeneration = new Map<string, SegmentRef[]>();
  for (const s of segments) byGeneration.set(s.generation, [...(byGeneration.get(s.generation) ?? []), s]);
  const drop: RetentionDecision['drop'] = [];
  for (const [generation, list] of byGeneration) {
    if (retainedIds.has(generation)) continue;
    let reason: string;
    if (baseIds.has(generation)) {
      reason = `a newer generation covers the ${windowMs / 3_600_000} h window`;
    } else if (generationStartMs(generation) < windowStart) {
      reason = 'its base snapshot is gone and it is older than the window';
    } else {
      continue;
    }
    drop.push({ generation, reason, segments: [...list].sort((a, b) => b.firstFrame - a.firstFrame) });
  }
  return { retained, drop };
}

/** Snapshot ids R1's forget must keep: the bases of generations point-in-time restore still needs. */
export function retainedBaseSnapshots(entries: SnapshotEntry[], segments: SegmentRef[], now: Date, windowMs = DEFAULT_REPLICATION_WINDOW_MS): Set<string> {
  return new Set(decideSegmentRetention(basesOf(entries), segments, now, windowMs).retained.map((b) => b.snapshotId));
}

/** True when the current generation's base is older than `maxAgeMs`: time for the replicator to start a new one. */
export function rebaseDue(bases: GenerationBase[], now: Date, maxAgeMs = DEFAULT_REBASE_AFTER_MS): boolean {
  const newest = bases.reduce<GenerationBase | null>((n, b) => (!n || b.time > n.time ? b : n), null);
  return newest !== null && now.getTime() - newest.time.getTime() >= maxAgeMs;
}

export interface SegmentRetentionResult {
  droppedGenerations: string[];
  removedSegments: number;
  retainedGenerations: string[];
}

export async function applySegmentRetention(
  repo: Repository,
  opts: { now: Date; windowMs?: number; logger?: Logger; signal?: AbortSignal },
): Promise<SegmentRetentionResult> {
  const windowMs = opts.windowMs ?? DEFAULT_REPLICATION_WINDOW_MS;
  const [entries, segments] = await Promise.all([repo.listSnapshots(), listSegments(repo)]);
  const decision = decideSegmentRetention(basesOf(entries), segments, opts.now, windowMs);
  let removed = 0;
  for (const group of decision.drop) {
    for (const s of group.segments) {
      if (opts.signal?.aborted) break;
      await repo.backend.remove({ type: 'wal', name: s.name });
      removed++;
    }
    opts.logger?.log('info', `replication retention: dropped generation ${group.generation} (${group.segments.length} segments): ${group.reason}`);
  }
  return { droppedGenerations: decision.drop.map((d) => d.generation), removedSegments: removed, retainedGenerations: decision.retained.map((b) => b.generation) };
}
