/**
 * What each uploaded object carries besides its bytes, decided from the local
 * repository (which the mirror reads anyway):
 * - packs get the tag qb-blob-type=data|tree from the master index, so the
 *   lifecycle can send only data packs to Glacier (bucket-lifecycle.ts) and a
 *   restore never waits for a thaw just to read trees;
 * - snapshot files get an Object Lock retain-until date from their data class
 *   (retention/data-classes.ts: 7 years trade records, 2 years tier 2, 30 days
 *   tier 3) where the config asks for Object Lock; packs, index and the rest
 *   take the bucket's default retention.
 */
import type { FileHandle } from '../backends/backend.ts';
import type { Config } from '../config/config-schema.ts';
import type { Repository } from '../repo/repository.ts';
import type { BlobType, Snapshot } from '../repo/types.ts';
import { classOfSnapshot, retentionClasses, retentionEnd } from '../retention/data-classes.ts';
import { BLOB_TYPE_TAG } from './bucket-lifecycle.ts';
import type { ObjectOptions } from './mirror.ts';
import type { ObjectRetention } from './mirror-target.ts';

/** The blob type of each indexed pack (a pack holds one type only). Packs in no index yet are absent. */
export function packBlobTypes(repo: Pick<Repository, 'masterIndex'>): Map<string, BlobType> {
  const out = new Map<string, BlobType>();
  for (const [packId, entries] of repo.masterIndex.packEntries()) {
    const first = entries[0];
    if (first) out.set(packId, first.type);
  }
  return out;
}

/**
 * The retention of a snapshot file under its data class; null when it has no
 * class (not ours, or no class matches: the bucket default holds it) or its
 * period is already over (S3 refuses a retain-until date in the past).
 */
export function snapshotRetention(snapshot: Snapshot, config: Pick<Config, 'retention'>, mode: ObjectRetention['mode'], now: Date): ObjectRetention | null {
  const dataClass = classOfSnapshot(snapshot, retentionClasses(config));
  if (!dataClass) return null;
  const taken = new Date(Date.parse(snapshot.time.replace(/(\.\d{3})\d+/, '$1')));
  if (Number.isNaN(taken.getTime())) return null;
  const until = retentionEnd(taken, dataClass);
  return until.getTime() > now.getTime() ? { mode, until } : null;
}

export interface ObjectPolicyOptions {
  packTypes: ReadonlyMap<string, BlobType>;
  /** Reads a snapshot of the local repository (only snapshots still to upload are read). */
  loadSnapshot: (id: string) => Promise<Snapshot>;
  config: Pick<Config, 'retention'>;
  /** The configured Object Lock mode; undefined: no per-object retention is sent. */
  lockMode: ObjectRetention['mode'] | undefined;
  now: Date;
}

export function objectPolicy(options: ObjectPolicyOptions): (file: FileHandle) => Promise<ObjectOptions> {
  return async (file) => {
    if (file.type === 'data') {
      const type = options.packTypes.get(file.name);
      // An unindexed pack (a backup still running, or one cut short) stays untagged: never frozen.
      return type ? { tags: { [BLOB_TYPE_TAG]: type } } : {};
    }
    if (file.type === 'snapshot' && options.lockMode) {
      const retention = snapshotRetention(await options.loadSnapshot(file.name), options.config, options.lockMode, options.now);
      return retention ? { retention } : {};
    }
    return {};
  };
}
