/**
 * Copies the used blobs of the packs a prune repacks into new packs. The
 * stored (encrypted, maybe compressed) bytes are copied as they are: the key
 * is the same, so only the pack headers are new (except an uncompressed
 * tree, which is compressed on the way). Each blob is verified before it is
 * copied, so a damaged blob is never given a fresh, trusted-looking home.
 *
 * The new packs are written but not indexed here: until the caller writes
 * the new index they are orphans, which is what makes a crash here harmless.
 */
import { compress } from 'zstd-napi';
import { BackupError, describeError } from '../errors.ts';
import { encrypt } from '../repo/crypto.ts';
import type { IndexPack } from '../repo/index-file.ts';
import { PackBuilder } from '../repo/pack.ts';
import type { Repository } from '../repo/repository.ts';
import type { BlobType } from '../repo/types.ts';
import type { RepackPack } from './prune-plan.ts';

/** Pack files read ahead of the one being copied. */
const READ_AHEAD = 4;

export interface RepackProgress {
  packsDone: number;
  packsTotal: number;
  bytesWritten: number;
}

export interface RepackResult {
  packs: IndexPack[];
  bytesWritten: number;
}

export async function repackBlobs(
  repository: Repository,
  sources: readonly RepackPack[],
  options: { packSize: number; signal?: AbortSignal; onProgress?: (p: RepackProgress) => void },
): Promise<RepackResult> {
  const result: RepackResult = { packs: [], bytesWritten: 0 };
  const open: Record<BlobType, PackBuilder | null> = { data: null, tree: null };
  const write = async (type: BlobType): Promise<void> => {
    const builder = open[type];
    open[type] = null;
    if (!builder || builder.count === 0) return;
    const { id, bytes } = builder.finish(repository.masterKey);
    await repository.backend.save({ type: 'data', name: id }, bytes);
    result.packs.push({ id, blobs: builder.entries });
    result.bytesWritten += bytes.length;
  };

  // Consolidating thousands of small packs is bound by round trips: read a few ahead, copy in order.
  const load = (source: RepackPack): Promise<Buffer> => repository.backend.load({ type: 'data', name: source.id }).catch((err: unknown) => {
    throw new BackupError('permanent', `cannot read pack ${source.id.slice(0, 12)} to repack it (${describeError(err)}); nothing was deleted`, { cause: err });
  });
  const ahead: Promise<Buffer>[] = [];
  const fill = (from: number): void => {
    for (let i = from + ahead.length; i < sources.length && ahead.length < READ_AHEAD; i++) {
      const loading = load(sources[i]!);
      loading.catch(() => undefined); // awaited in turn below; a failure ahead must not go unhandled meanwhile
      ahead.push(loading);
    }
  };

  let packsDone = 0;
  for (const [n, source] of sources.entries()) {
    options.signal?.throwIfAborted();
    fill(n);
    const pack = await ahead.shift()!;
    for (const entry of source.used) {
      const stored = pack.subarray(entry.offset, entry.offset + entry.length);
      if (stored.length !== entry.length) {
        throw new BackupError('permanent', `pack ${source.id.slice(0, 12)} is shorter than its index says; run \`check\` first: nothing was deleted`);
      }
      const plain = repository.decodeBlob(stored, { ...entry, packId: source.id }); // throws on a damaged blob
      const builder = open[entry.type] ?? (open[entry.type] = new PackBuilder(entry.type));
      if (entry.type === 'tree' && entry.uncompressedLength === undefined && plain.length > 0) {
        // restic wants every tree of a v2 repository compressed (its prune repacks any that is not), even where zstd does not shrink it.
        builder.add(entry.id, encrypt(repository.masterKey, compress(plain)), plain.length);
      } else {
        builder.add(entry.id, Buffer.from(stored), entry.uncompressedLength);
      }
      if (builder.size >= options.packSize) await write(entry.type);
    }
    packsDone++;
    options.onProgress?.({ packsDone, packsTotal: sources.length, bytesWritten: result.bytesWritten });
  }
  await write('data');
  await write('tree');
  return result;
}
