/**
 * Turns the committed frames of one WAL read into segments: whole commits
 * only, split at a commit boundary when a segment would grow past maxBytes,
 * each carrying the WAL position after its own last frame.
 */
import type { WalFrame } from './wal-reader.ts';
import type { SegmentCommit, WalPosition, WalSegment } from './wal-segment-codec.ts';

export interface PendingCommitFrames {
  generation: string;
  /** Sequence number the first frame gets. */
  firstSeq: number;
  pageSize: number;
  /** Frames in WAL order, ending with a commit frame. */
  frames: WalFrame[];
  /** The WAL position after the last frame. */
  end: WalPosition;
  /** When these commits were seen (ms since the epoch). */
  observedMs: number;
  maxBytes: number;
}

export function buildSegments(p: PendingCommitFrames): WalSegment[] {
  const segments: WalSegment[] = [];
  let start = 0;
  let bytes = 0;
  let commits: SegmentCommit[] = [];
  p.frames.forEach((frame, i) => {
    bytes += 4 + p.pageSize;
    if (frame.commitSize === 0) return;
    const seq = p.firstSeq + i;
    commits.push({ frameSeq: seq, dbSizePages: frame.commitSize, observedMs: p.observedMs });
    const last = i === p.frames.length - 1;
    if (!last && bytes < p.maxBytes) return;
    const slice = p.frames.slice(start, i + 1);
    segments.push({
      generation: p.generation,
      pageSize: p.pageSize,
      firstSeq: p.firstSeq + start,
      lastSeq: seq,
      end: last ? p.end : { ...p.end, walFrames: frame.index + 1, checksum1: frame.checksum1, checksum2: frame.checksum2 },
      frames: slice.map((f) => ({ pageNumber: f.pageNumber, page: f.page })),
      commits,
    });
    start = i + 1;
    bytes = 0;
    commits = [];
  });
  return segments;
}
