/**
 * Test oracle for real-time replication: rebuilds a database from the newest
 * generation in a repository (its base snapshot plus every segment, applied as
 * a checkpoint would), independently of the point-in-time restore code.
 */
import { closeSync, ftruncateSync, openSync, writeFileSync, writeSync } from 'node:fs';
import type { Repository } from '../../main/engine/repo/repository.ts';
import { loadSegment, readDatabaseSnapshot } from '../../main/engine/sources/sqlite/read-database-snapshot.ts';
import { listGenerationBases, listSegments } from '../../main/engine/replication/resume-point.ts';
import { decodeSegment, segmentFileName } from '../../main/engine/replication/wal-segment-codec.ts';

export interface RebuildReport {
  generations: number;
  generation: string;
  segments: number;
  commits: number;
  lastSeq: number;
}

export async function rebuildLatestGeneration(repo: Repository, dbPath: string, outPath: string): Promise<RebuildReport> {
  const bases = await listGenerationBases(repo, dbPath);
  const base = bases.at(-1);
  if (!base) throw new Error('no replication base in the repository');
  const entry = await repo.findSnapshot(base.snapshotId);
  const parts = await readDatabaseSnapshot(repo, entry);
  const image = Buffer.concat(await Promise.all(parts.segmentTrees.map((t) => loadSegment(repo, t))));
  writeFileSync(outPath, image);
  const fd = openSync(outPath, 'r+');
  let commits = 0;
  let expected = 1;
  const names = await listSegments(repo, base.generation);
  try {
    for (const name of names) {
      if (name.firstSeq !== expected) throw new Error(`gap in generation ${base.generation}: expected frame ${expected}, segment starts at ${name.firstSeq}`);
      const file = segmentFileName(name);
      const segment = decodeSegment(repo.masterKey, await repo.backend.load({ type: 'wal', name: file }));
      segment.frames.forEach((f, i) => {
        writeSync(fd, f.page, 0, f.page.length, (f.pageNumber - 1) * segment.pageSize);
        const commit = segment.commits.find((c) => c.frameSeq === segment.firstSeq + i);
        if (commit) ftruncateSync(fd, commit.dbSizePages * segment.pageSize);
      });
      commits += segment.commits.length;
      expected = segment.lastSeq + 1;
    }
  } finally {
    closeSync(fd);
  }
  return { generations: bases.length, generation: base.generation, segments: names.length, commits, lastSeq: expected - 1 };
}
