/**
 * Where replication of a database stands according to the repository (the
 * truth: the catalog may be behind after a crash): the newest generation with
 * a base snapshot, and the end of its last segment, or the base's position.
 */
import type { Repository } from '../repo/repository.ts';
import { generationBaseOf, type GenerationBase } from './generation.ts';
import { decodeSegment, parseSegmentFileName, segmentFileName, type SegmentName, type WalPosition } from './wal-segment-codec.ts';

export interface ResumePoint {
  generation: string;
  base: GenerationBase;
  /** Last stored frame sequence (0: only the base). */
  seq: number;
  position: WalPosition | null;
}

/** Every base of this database, oldest generation first. */
export async function listGenerationBases(repo: Repository, dbPath: string): Promise<GenerationBase[]> {
  const bases: GenerationBase[] = [];
  for (const { id, snapshot } of await repo.listSnapshots()) {
    const base = generationBaseOf(id, snapshot, dbPath);
    if (base) bases.push(base);
  }
  return bases.sort((a, b) => (a.generation < b.generation ? -1 : a.generation > b.generation ? 1 : 0));
}

/** Segment names of one generation, in frame order. */
export async function listSegments(repo: Repository, generation: string): Promise<SegmentName[]> {
  const names = (await repo.backend.list('wal')).map((f) => parseSegmentFileName(f.name)).filter((n): n is SegmentName => n !== null);
  return names.filter((n) => n.generation === generation).sort((a, b) => a.firstSeq - b.firstSeq);
}

export async function findResumePoint(repo: Repository, dbPath: string): Promise<ResumePoint | null> {
  const base = (await listGenerationBases(repo, dbPath)).at(-1);
  if (!base) return null;
  const segments = await listSegments(repo, base.generation);
  // Contiguous from 1: a hole (a segment removed by hand) ends what can be resumed.
  let last: SegmentName | null = null;
  for (const s of segments) {
    if (s.firstSeq !== (last ? last.lastSeq + 1 : 1)) break;
    last = s;
  }
  if (!last) return { generation: base.generation, base, seq: 0, position: base.position };
  const name = segmentFileName(last);
  const segment = decodeSegment(repo.masterKey, await repo.backend.load({ type: 'wal', name }), `WAL segment ${name}`);
  return { generation: base.generation, base, seq: segment.lastSeq, position: segment.end };
}
