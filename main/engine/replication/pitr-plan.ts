/**
 * The plan of a point-in-time restore: which base image and which replication
 * segments rebuild the database as it was at time T.
 *
 * A generation is a base image (a database snapshot taken at a known WAL
 * position) followed by segments holding every commit after it, in frame
 * order. The plan takes the newest generation whose base is at or before T
 * and walks its segments from the base position, one contiguous chain, up to
 * the last commit observed at or before T. Segments may overlap (a crash
 * between writing a merged segment and deleting its parts leaves both): at
 * each position the segment reaching furthest wins and frames already covered
 * are skipped. A hole in the chain before T is refused rather than papered
 * over: the restore would silently miss transactions.
 */
import { BackupError } from '../errors.ts';

export interface GenerationBase {
  generation: string;
  snapshotId: string;
  /** When the base image was taken. */
  time: Date;
  /** The generation frame sequence number the base image includes; its first segment starts right after. */
  position: number;
}

export interface SegmentRef {
  /** The backend file name ('wal' type). */
  name: string;
  generation: string;
  /** Generation frame sequence numbers of the segment's first and last frame (inclusive). */
  firstFrame: number;
  lastFrame: number;
}

export interface SegmentCommit {
  /** Generation frame sequence number of the commit frame. */
  frame: number;
  /** When the replicator observed the commit (epoch ms). */
  observedMs: number;
}

/** Reads the commits of one segment (decrypting it): the plan needs their times. */
export type CommitsOf = (segment: SegmentRef) => Promise<SegmentCommit[]>;

export interface PlannedSegment {
  segment: SegmentRef;
  /** Apply the frames from this sequence number (later than firstFrame when an overlapping segment covered the start). */
  fromFrame: number;
  /** ... through this one: the last commit frame taken from this segment. */
  throughFrame: number;
  commits: number;
}

export interface PitrPlan {
  at: Date;
  generation: string;
  base: GenerationBase;
  segments: PlannedSegment[];
  /** Commits applied on top of the base. */
  commits: number;
  /** The generation frame sequence number the restore reaches. */
  reachedFrame: number;
  /** The time of the state the restore gives: the last applied commit's observed time, or the base's time. */
  reachedAt: Date;
  /** From the oldest base to the newest replicated commit. */
  window: { from: Date; to: Date };
  /** Things the person restoring should know (a generation that ended before T). */
  notes: string[];
}

export interface PlanInput {
  bases: GenerationBase[];
  segments: SegmentRef[];
  at: Date;
  now: Date;
  commitsOf: CommitsOf;
  /**
   * A restore follows the plan as it is made, so each segment is read once:
   * onBase when the base is chosen, onSegment as each segment joins the plan
   * (right after commitsOf read it). A refusal found later (a gap) still
   * throws, and the restore discards what it wrote.
   */
  visit?: {
    onBase(base: GenerationBase): Promise<void>;
    onSegment(planned: PlannedSegment): Promise<void>;
  };
}

const iso = (d: Date) => d.toISOString();

export async function planPointInTime(input: PlanInput): Promise<PitrPlan> {
  const { at, now, commitsOf } = input;
  const bases = [...input.bases].sort((a, b) => a.time.getTime() - b.time.getTime());
  const oldest = bases[0];
  if (!oldest) {
    throw new BackupError('not-found', "the repository has no replication base snapshot: point-in-time restore needs `quantai-backup replicate` to have run; restore a snapshot instead");
  }
  const byGeneration = groupSegments(input.segments);
  const window = { from: oldest.time, to: await windowEnd(bases, byGeneration, commitsOf) };
  const windowText = `the restorable window is ${iso(window.from)} to ${iso(window.to)}`;
  if (at.getTime() > now.getTime()) throw new BackupError('permanent', `--at ${iso(at)} is in the future (now is ${iso(now)}); ${windowText}`);
  if (at.getTime() < oldest.time.getTime()) {
    throw new BackupError('not-found', `--at ${iso(at)} is before the oldest replication base; ${windowText}`);
  }
  const index = bases.findLastIndex((b) => b.time.getTime() <= at.getTime());
  const base = bases[index]!;
  const next = bases[index + 1];

  await input.visit?.onBase(base);
  const chain = await walkChain(base, byGeneration.get(base.generation) ?? [], at, commitsOf, input.visit?.onSegment);
  // The lost frames may hold commits observed in the same millisecond as the last one read, so even T equal to it is refused.
  if (chain.gap) {
    const { from, to } = chain.gap;
    throw new BackupError(
      'permanent',
      `generation ${base.generation} is missing frames ${from}-${to} (a segment was lost); only times before ${iso(chain.reachedAt ?? base.time)} can be restored from it${next ? `, or from ${iso(next.time)} (the next base) on` : ''}: choose another --at`,
    );
  }
  const notes: string[] = [];
  if (next && chain.endOfGeneration) {
    notes.push(
      `generation ${base.generation} ends at ${iso(chain.reachedAt ?? base.time)}; the next one starts at ${iso(next.time)}: commits between the two were not replicated`,
    );
  } else if (!next && chain.endOfGeneration) {
    // T is past the newest replicated commit: say how much is not covered rather than stop short silently.
    const reached = chain.reachedAt ?? base.time;
    const behind = Math.round((at.getTime() - reached.getTime()) / 1000);
    if (behind >= 2) {
      notes.push(`the newest replicated commit was observed at ${iso(reached)}, ${behind} s before --at: commits after it are not in the repository (is the replicator running? \`quantai-backup replication status\`)`);
    }
  }
  return {
    at,
    generation: base.generation,
    base,
    segments: chain.planned,
    commits: chain.planned.reduce((n, s) => n + s.commits, 0),
    reachedFrame: chain.reachedFrame,
    reachedAt: chain.reachedAt ?? base.time,
    window,
    notes,
  };
}

function groupSegments(segments: SegmentRef[]): Map<string, SegmentRef[]> {
  const groups = new Map<string, SegmentRef[]>();
  for (const s of segments) {
    const list = groups.get(s.generation) ?? [];
    list.push(s);
    groups.set(s.generation, list);
  }
  return groups;
}

/** The newest commit time of the newest generation (its segment reaching furthest), else its base time. */
async function windowEnd(bases: GenerationBase[], byGeneration: Map<string, SegmentRef[]>, commitsOf: CommitsOf): Promise<Date> {
  const newest = bases[bases.length - 1]!;
  const segments = byGeneration.get(newest.generation) ?? [];
  const last = segments.reduce<SegmentRef | null>((best, s) => (!best || s.lastFrame > best.lastFrame ? s : best), null);
  if (!last) return newest.time;
  const commits = await commitsOf(last);
  const lastCommit = commits[commits.length - 1];
  return lastCommit ? new Date(lastCommit.observedMs) : newest.time;
}

interface Chain {
  planned: PlannedSegment[];
  reachedFrame: number;
  reachedAt: Date | null;
  /** Frames missing before T was reached. */
  gap: { from: number; to: number } | null;
  /** Every segment of the generation was applied (T is at or after its last commit). */
  endOfGeneration: boolean;
}

async function walkChain(
  base: GenerationBase,
  segments: SegmentRef[],
  at: Date,
  commitsOf: CommitsOf,
  onSegment?: (planned: PlannedSegment) => Promise<void>,
): Promise<Chain> {
  const chain: Chain = { planned: [], reachedFrame: base.position, reachedAt: null, gap: null, endOfGeneration: false };
  let cursor = base.position + 1;
  for (;;) {
    // Among the segments holding the next frame, the one reaching furthest (a merged one over its parts).
    const covering = segments.filter((s) => s.firstFrame <= cursor && s.lastFrame >= cursor);
    const segment = covering.reduce<SegmentRef | null>((best, s) => (!best || s.lastFrame > best.lastFrame ? s : best), null);
    if (!segment) {
      const later = segments.filter((s) => s.firstFrame > cursor);
      if (later.length === 0) {
        chain.endOfGeneration = true;
        return chain;
      }
      const resume = Math.min(...later.map((s) => s.firstFrame));
      chain.gap = { from: cursor, to: resume - 1 };
      return chain;
    }
    const commits = (await commitsOf(segment)).filter((c) => c.frame >= cursor);
    let taken = 0;
    let through = cursor - 1;
    for (const commit of commits) {
      if (commit.observedMs > at.getTime()) break;
      taken++;
      through = commit.frame;
      chain.reachedAt = new Date(commit.observedMs);
    }
    if (taken > 0) {
      const planned = { segment, fromFrame: cursor, throughFrame: through, commits: taken };
      chain.planned.push(planned);
      chain.reachedFrame = through;
      await onSegment?.(planned);
    }
    // A commit after T ends the walk; so does a segment whose frames end in no commit we took.
    if (taken < commits.length) return chain;
    cursor = segment.lastFrame + 1;
  }
}
