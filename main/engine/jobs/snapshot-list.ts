/** Snapshots as the CLI and dashboard list them, and parent lookup for new snapshots. */
import type { Repository } from '../repo/repository.ts';

export interface SnapshotSummaryItem {
  id: string;
  shortId: string;
  time: string;
  kind: 'sqlite' | 'files' | 'other';
  tier: number | null;
  paths: string[];
  hostname: string;
  tags: string[];
}

function kindOf(tags: string[]): SnapshotSummaryItem['kind'] {
  if (tags.includes('kind:sqlite')) return 'sqlite';
  if (tags.includes('kind:files')) return 'files';
  return 'other';
}

function tierOf(tags: string[]): number | null {
  const tag = tags.find((t) => /^tier:\d$/.test(t));
  return tag ? Number(tag.slice(5)) : null;
}

export async function listSnapshotSummaries(repository: Repository): Promise<SnapshotSummaryItem[]> {
  const entries = await repository.listSnapshots();
  return entries.map(({ id, snapshot }) => {
    const tags = snapshot.tags ?? [];
    return {
      id,
      shortId: id.slice(0, 8),
      time: snapshot.time,
      kind: kindOf(tags),
      tier: tierOf(tags),
      paths: snapshot.paths,
      hostname: snapshot.hostname,
      tags,
    };
  });
}

/** The newest snapshot with the given kind tag whose paths (joined by newlines) equal `source`. */
export async function findParentSnapshot(repository: Repository, kindTag: string, source: string): Promise<string | undefined> {
  const entries = await repository.listSnapshots();
  for (let i = entries.length - 1; i >= 0; i--) {
    const entry = entries[i]!;
    if ((entry.snapshot.tags ?? []).includes(kindTag) && entry.snapshot.paths.join('\n') === source) return entry.id;
  }
  return undefined;
}
