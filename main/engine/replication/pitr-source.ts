/**
 * What a point-in-time restore reads from a repository: the generations' base
 * snapshots (tagged 'replication-base' and 'generation:<id>') and the listing
 * of the 'wal' folder. Segment names carry the generation and frame range, so
 * the listing alone orders them; commit times need the segment itself, read
 * only when the plan asks and remembered for the restore that follows.
 */
import { BackupError, isBackupError } from '../errors.ts';
import type { Repository } from '../repo/repository.ts';
import type { SnapshotEntry } from '../repo/types.ts';
import { BASE_TAG } from './generation.ts';
import type { GenerationBase, SegmentCommit, SegmentRef } from './pitr-plan.ts';
import { decodeSegment, isGeneration, parseSegmentFileName, type WalSegment } from './wal-segment-codec.ts';

const GENERATION_TAG_PREFIX = 'generation:';

export interface PitrSource {
  bases: GenerationBase[];
  segments: SegmentRef[];
  commitsOf(segment: SegmentRef): Promise<SegmentCommit[]>;
  loadSegment(segment: SegmentRef): Promise<WalSegment>;
}

/** The generation a base snapshot starts, or null when it is not a replication base. */
export function baseGeneration(entry: SnapshotEntry): string | null {
  const tags = entry.snapshot.tags ?? [];
  if (!tags.includes(BASE_TAG)) return null;
  const tag = tags.find((t) => t.startsWith(GENERATION_TAG_PREFIX));
  const id = tag?.slice(GENERATION_TAG_PREFIX.length) ?? '';
  return isGeneration(id) ? id : null;
}

export function basesOf(entries: SnapshotEntry[]): GenerationBase[] {
  const bases: GenerationBase[] = [];
  for (const entry of entries) {
    const generation = baseGeneration(entry);
    // The codec numbers a generation's frames from 1: its base is the state at sequence 0.
    if (generation) bases.push({ generation, snapshotId: entry.id, time: new Date(entry.snapshot.time), position: 0 });
  }
  return bases;
}

export async function listSegments(repo: Repository): Promise<SegmentRef[]> {
  const refs: SegmentRef[] = [];
  for (const file of await repo.backend.list('wal')) {
    const parsed = parseSegmentFileName(file.name);
    if (parsed) refs.push({ name: file.name, generation: parsed.generation, firstFrame: parsed.firstSeq, lastFrame: parsed.lastSeq });
  }
  return refs;
}

/**
 * A segment that was listed but is gone when read: the replicator's compaction
 * merged it and deleted the part in between. The merged segment was written
 * before the part was deleted, so a fresh listing has the same frames.
 */
export class SegmentVanishedError extends BackupError {
  constructor(name: string, cause: unknown) {
    super('transient', `WAL segment ${name} was removed while it was being read (compaction merged it); list the segments again`, { cause });
  }
}

export async function loadWalSegment(repo: Repository, name: string): Promise<WalSegment> {
  let stored: Buffer;
  try {
    stored = await repo.backend.load({ type: 'wal', name });
  } catch (err) {
    if (isBackupError(err) && err.kind === 'not-found') throw new SegmentVanishedError(name, err);
    throw err;
  }
  return decodeSegment(repo.masterKey, stored, `WAL segment ${name}`);
}

/** How many fresh listings a point-in-time read gets when compaction keeps removing what it listed. */
const VANISHED_SEGMENT_ATTEMPTS = 3;

/**
 * Runs `read` on a fresh source, and again on a new listing when a segment it
 * listed vanished under it. Compaction takes no repository lock (so it never
 * blocks prune or a restore), so this is how a restore stays correct beside it.
 */
export async function withPitrSource<T>(repo: Repository, read: (source: PitrSource) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await read(await readPitrSource(repo));
    } catch (err) {
      if (!(err instanceof SegmentVanishedError) || attempt >= VANISHED_SEGMENT_ATTEMPTS) throw err;
    }
  }
}

export async function readPitrSource(repo: Repository): Promise<PitrSource> {
  const [entries, segments] = await Promise.all([repo.listSnapshots(), listSegments(repo)]);
  const commits = new Map<string, SegmentCommit[]>();
  // The segment read last is kept: a restore applies the one the plan has just read (a segment can be tens of MB).
  let last: { name: string; segment: Promise<WalSegment> } | null = null;
  const loadSegment = (segment: SegmentRef) => {
    if (last?.name !== segment.name) last = { name: segment.name, segment: loadWalSegment(repo, segment.name) };
    return last.segment;
  };
  return {
    bases: basesOf(entries),
    segments,
    loadSegment,
    async commitsOf(segment) {
      let known = commits.get(segment.name);
      if (!known) {
        known = (await loadSegment(segment)).commits.map((c) => ({ frame: c.frameSeq, observedMs: c.observedMs }));
        commits.set(segment.name, known);
      }
      return known;
    },
  };
}
