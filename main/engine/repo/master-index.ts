/**
 * All index files merged in memory: blob (type, id) -> where it is stored.
 * A blob may be listed more than once (restic can leave duplicates in
 * several packs); every location is kept so a reader can fall back.
 */
import type { IndexFile } from './index-file.ts';
import type { PackEntry } from './pack.ts';
import type { BlobType, Id } from './types.ts';

export interface BlobLocation extends PackEntry {
  packId: Id;
}

export class MasterIndex {
  private readonly blobs: Record<BlobType, Map<Id, BlobLocation[]>> = { data: new Map(), tree: new Map() };
  private readonly packs = new Map<Id, PackEntry[]>();

  addPack(packId: Id, entries: readonly PackEntry[]): void {
    let packEntries = this.packs.get(packId);
    if (!packEntries) {
      packEntries = [];
      this.packs.set(packId, packEntries);
    } else if (packEntries.length > 0) {
      // The same pack listed by two index files (e.g. one superseding the other): keep it once.
      return;
    }
    for (const e of entries) {
      packEntries.push(e);
      const map = this.blobs[e.type];
      const list = map.get(e.id);
      const location: BlobLocation = { ...e, packId };
      if (list) list.push(location);
      else map.set(e.id, [location]);
    }
  }

  addIndex(index: IndexFile): void {
    for (const pack of index.packs) this.addPack(pack.id, pack.blobs);
  }

  has(type: BlobType, id: Id): boolean {
    return this.blobs[type].has(id);
  }

  lookup(type: BlobType, id: Id): BlobLocation[] {
    return this.blobs[type].get(id) ?? [];
  }

  /** Pack id -> its blobs in pack order, as the index describes them. */
  packEntries(): Map<Id, PackEntry[]> {
    const out = new Map<Id, PackEntry[]>();
    for (const [id, entries] of this.packs) out.set(id, [...entries].sort((a, b) => a.offset - b.offset));
    return out;
  }

  get blobCount(): number {
    return this.blobs.data.size + this.blobs.tree.size;
  }

  get packCount(): number {
    return this.packs.size;
  }
}
