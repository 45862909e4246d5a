/**
 * Compaction: the replicator writes a small segment about every second, so a
 * generation would hold ~3600 files an hour. Once segments are older than
 * `olderThanMs`, the consecutive ones of the same clock hour (UTC, by their
 * first commit's observed time) are merged into one, split further only to
 * keep a merged segment under `maxBytes` of plaintext.
 *
 * Lossless: every frame and every commit time is kept, so a point-in-time
 * restore can still stop at any commit. (Dropping superseded page images
 * would shrink the data too, but would lose the commits in between.)
 *
 * Crash safety: the merged segment is written (atomically, synced by the
 * backend), read back and decoded before any part is deleted. A crash in
 * between leaves the merged segment beside its parts; the plan prefers the
 * segment reaching furthest and skips frames it already has, and the next
 * compaction deletes segments wholly covered by another one first.
 */
import { BackupError } from '../errors.ts';
import type { Logger } from '../logger.ts';
import type { Repository } from '../repo/repository.ts';
import type { SegmentRef } from './pitr-plan.ts';
import { listSegments, loadWalSegment } from './pitr-source.ts';
import { encodeSegment, segmentFileName, type WalSegment } from './wal-segment-codec.ts';

export const HOUR_MS = 3_600_000;

export interface CompactionOptions {
  now: Date;
  /** Only segments whose last commit was observed before now - olderThanMs (default 10 minutes). */
  olderThanMs?: number;
  /** Upper bound on a merged segment's plaintext (default 64 MiB): the restore holds one segment in memory. */
  maxBytes?: number;
  /** Segments stored at least this large are left alone, not read (already merged; default maxBytes / 8). */
  largeBytes?: number;
  logger?: Logger;
  signal?: AbortSignal;
}

export interface CompactionResult {
  /** Merged segments written. */
  merged: number;
  /** Parts deleted after their merged segment was proven readable. */
  removedParts: number;
  /** Segments deleted because another segment covers all their frames (an interrupted earlier compaction). */
  removedCovered: number;
}

interface Group {
  /** Hours since the epoch (UTC) of the group's first commit. */
  hour: number;
  parts: WalSegment[];
  refs: SegmentRef[];
  bytes: number;
}

export async function compactSegments(repo: Repository, opts: CompactionOptions): Promise<CompactionResult> {
  const olderThanMs = opts.olderThanMs ?? 10 * 60_000;
  const maxBytes = opts.maxBytes ?? 64 * 1024 * 1024;
  const largeBytes = opts.largeBytes ?? Math.floor(maxBytes / 8);
  const cutoff = opts.now.getTime() - olderThanMs;
  const result: CompactionResult = { merged: 0, removedParts: 0, removedCovered: 0 };

  const listing = await repo.backend.list('wal');
  const sizes = new Map(listing.map((f) => [f.name, f.size]));
  const byGeneration = new Map<string, SegmentRef[]>();
  for (const s of await listSegments(repo)) byGeneration.set(s.generation, [...(byGeneration.get(s.generation) ?? []), s]);

  for (const [generation, all] of byGeneration) {
    const covered = coveredSegments(all);
    for (const s of covered) {
      await repo.backend.remove({ type: 'wal', name: s.name });
      result.removedCovered++;
      opts.logger?.log('info', `compaction: removed segment ${s.name}, already merged into a larger one`);
    }
    const segments = all.filter((s) => !covered.includes(s)).sort((a, b) => a.firstFrame - b.firstFrame);
    let group: Group | null = null;
    const flush = async (done: Group | null) => {
      if (done && done.parts.length > 1) {
        await writeMerged(repo, generation, done.parts, done.refs, opts.logger);
        result.merged++;
        result.removedParts += done.refs.length;
      }
    };
    for (const ref of segments) {
      if (opts.signal?.aborted) break;
      if ((sizes.get(ref.name) ?? 0) >= largeBytes) {
        await flush(group);
        group = null;
        continue;
      }
      const segment = await loadWalSegment(repo, ref.name);
      const last = segment.commits[segment.commits.length - 1]!;
      // Newer segments stay as the replicator wrote them; so does everything after them.
      if (last.observedMs >= cutoff) break;
      const hour = Math.floor(segment.commits[0]!.observedMs / HOUR_MS);
      const bytes = plainSize(segment);
      const joins = group !== null && group.hour === hour && group.refs.at(-1)!.lastFrame + 1 === ref.firstFrame && group.bytes + bytes <= maxBytes;
      if (!joins) {
        await flush(group);
        group = { hour, parts: [], refs: [], bytes: 0 };
      }
      group!.parts.push(segment);
      group!.refs.push(ref);
      group!.bytes += bytes;
    }
    await flush(group);
  }
  return result;
}

/** Segments whose every frame another segment of the same generation also holds. */
export function coveredSegments(segments: SegmentRef[]): SegmentRef[] {
  return segments.filter((s) =>
    segments.some((o) => o !== s && o.firstFrame <= s.firstFrame && o.lastFrame >= s.lastFrame && (o.firstFrame < s.firstFrame || o.lastFrame > s.lastFrame)),
  );
}

/** Concatenates consecutive segments (frames and commits in order); the end position is the last part's. */
export function mergeSegments(parts: WalSegment[]): WalSegment {
  const first = parts[0]!;
  const last = parts[parts.length - 1]!;
  return {
    generation: first.generation,
    pageSize: first.pageSize,
    firstSeq: first.firstSeq,
    lastSeq: last.lastSeq,
    end: last.end,
    frames: parts.flatMap((p) => p.frames),
    commits: parts.flatMap((p) => p.commits),
  };
}

async function writeMerged(repo: Repository, generation: string, parts: WalSegment[], refs: SegmentRef[], logger?: Logger): Promise<void> {
  const merged = mergeSegments(parts);
  const name = segmentFileName({ generation, firstSeq: merged.firstSeq, lastSeq: merged.lastSeq });
  await repo.backend.save({ type: 'wal', name }, encodeSegment(repo.masterKey, merged));
  // Proven readable before the only other copy of these frames goes.
  const back = await loadWalSegment(repo, name);
  if (back.frames.length !== merged.frames.length || back.commits.length !== merged.commits.length) {
    throw new BackupError('fatal', `compaction: merged segment ${name} reads back with ${back.frames.length} frames instead of ${merged.frames.length}; its parts are kept: run 'quantai-backup check --read-data'`);
  }
  for (const ref of refs) await repo.backend.remove({ type: 'wal', name: ref.name });
  logger?.log('info', `compaction: merged ${refs.length} segments into ${name} (${merged.commits.length} commits)`);
}

function plainSize(segment: WalSegment): number {
  // Header, commit table and frames, as encodeSegmentPlain lays them out (without building the buffer).
  return 80 + segment.commits.length * 24 + segment.frames.length * (4 + segment.pageSize);
}
