/**
 * Repository check, in the spirit of `restic check [--read-data]`: the index
 * agrees with the pack files, every snapshot's trees load, every referenced
 * blob is indexed, and with readData every byte of every pack is decrypted
 * and verified. Errors name the pack and the snapshots a damaged blob hurts.
 */
import { describeError } from '../errors.ts';
import { sha256Hex } from './crypto.ts';
import { packSizeOf, readPackHeader, type PackEntry } from './pack.ts';
import type { Repository } from './repository.ts';
import type { BlobType, Id } from './types.ts';

export interface CheckError {
  pack?: Id;
  snapshot?: Id;
  /** Every snapshot that needs the damaged or missing blob (`snapshot` is the first of them). */
  snapshots?: Id[];
  message: string;
}

export interface CheckReport {
  ok: boolean;
  errors: CheckError[];
  /** Not errors: e.g. packs no index refers to (left by an interrupted backup). */
  warnings: string[];
  packsChecked: number;
  snapshots: number;
  trees: number;
}

export interface CheckProgress {
  phase: 'packs' | 'read-data' | 'snapshots';
  packsChecked: number;
  packsTotal: number;
  bytes: number;
}

export interface CheckOptions {
  readData: boolean;
  /** With readData: read only these packs (the daily rotation); all packs when absent. */
  packs?: ReadonlySet<Id>;
  onProgress?: (progress: CheckProgress) => void;
}

/** A problem found under a tree: a blob that is missing or damaged. */
interface BlobProblem {
  key: string;
  pack?: Id;
  message: string;
}

const short = (id: Id): string => id.slice(0, 8);

export async function checkRepository(repo: Repository, options: CheckOptions): Promise<CheckReport> {
  const errors: CheckError[] = [];
  const warnings: string[] = [];
  const packs = repo.masterIndex.packEntries();
  const packsTotal = packs.size;
  let packsChecked = 0;
  let bytes = 0;
  const progress = (phase: CheckProgress['phase']): void => options.onProgress?.({ phase, packsChecked, packsTotal, bytes });

  // 1. Every indexed pack exists with the size its index entries imply.
  const stored = new Map((await repo.backend.list('data')).map((f) => [f.name, f.size]));
  const missingPacks = new Set<Id>();
  for (const [packId, entries] of packs) {
    const size = stored.get(packId);
    if (size === undefined) {
      missingPacks.add(packId);
      errors.push({ pack: packId, message: `pack ${short(packId)} is in the index but missing from the repository` });
    } else if (size !== packSizeOf(entries)) {
      errors.push({ pack: packId, message: `pack ${short(packId)} is ${size} bytes, the index implies ${packSizeOf(entries)}` });
    }
  }
  for (const name of stored.keys()) {
    if (!packs.has(name)) warnings.push(`pack ${short(name)} is not referenced by any index (left by an interrupted backup?)`);
  }
  progress('packs');

  // 2. With readData: read every pack, verify its name, header and every blob.
  const damaged = new Set<string>(); // "type:id:pack" of blob copies that failed verification
  if (options.readData) {
    for (const [packId, entries] of packs) {
      if (missingPacks.has(packId) || (options.packs && !options.packs.has(packId))) continue;
      const result = await readPack(repo, packId, entries, (n) => {
        bytes += n;
      });
      for (const message of result.messages) errors.push({ pack: packId, message });
      for (const e of result.badBlobs) damaged.add(`${e.type}:${e.id}:${packId}`);
      packsChecked++;
      progress('read-data');
    }
  } else {
    packsChecked = packsTotal - missingPacks.size;
  }

  // 3. Snapshots: every tree loads, every referenced blob is indexed (and not damaged).
  const memo = new Map<Id, Promise<BlobProblem[]>>();
  const blobProblem = (type: BlobType, id: Id): BlobProblem | null => {
    const key = `${type}:${id}`;
    const locations = repo.masterIndex.lookup(type, id);
    if (locations.length === 0) return { key, message: `${type} blob ${short(id)} is not in the index` };
    if (locations.some((l) => !missingPacks.has(l.packId) && !damaged.has(`${key}:${l.packId}`))) return null;
    const first = locations[0]!.packId;
    const state = missingPacks.has(first) ? 'is in missing pack' : 'is damaged in pack';
    return { key, pack: first, message: `${type} blob ${short(id)} ${state} ${short(first)}` };
  };
  const walk = (treeId: Id): Promise<BlobProblem[]> => {
    let found = memo.get(treeId);
    if (!found) {
      found = (async () => {
        const own = blobProblem('tree', treeId);
        if (own) return [own];
        let tree;
        try {
          tree = await repo.loadTree(treeId);
        } catch (err) {
          return [{ key: `tree:${treeId}`, message: `tree ${short(treeId)} cannot be loaded: ${describeError(err)}` }];
        }
        const out: BlobProblem[] = [];
        for (const node of tree.nodes) {
          const name = JSON.stringify(node.name.toString('utf8'));
          if (node.type === 'file') {
            if (!node.content) out.push({ key: `node:${treeId}:${name}`, message: `file ${name} in tree ${short(treeId)} has no content list` });
            for (const id of node.content ?? []) {
              const p = blobProblem('data', id);
              if (p) out.push(p);
            }
          } else if (node.type === 'dir') {
            if (!node.subtree) out.push({ key: `node:${treeId}:${name}`, message: `directory ${name} in tree ${short(treeId)} has no subtree` });
            else out.push(...(await walk(node.subtree)));
          }
        }
        return out;
      })();
      memo.set(treeId, found);
    }
    return found;
  };

  const affected = new Map<string, { problem: BlobProblem; snapshots: Id[] }>();
  const snapshotFiles = await repo.backend.list('snapshot');
  for (const file of snapshotFiles) {
    let root: Id;
    try {
      root = (await repo.loadSnapshot(file.name)).tree;
    } catch (err) {
      errors.push({ snapshot: file.name, message: `snapshot ${short(file.name)} cannot be read: ${describeError(err)}` });
      continue;
    }
    for (const problem of await walk(root)) {
      const entry = affected.get(problem.key) ?? { problem, snapshots: [] };
      if (!entry.snapshots.includes(file.name)) entry.snapshots.push(file.name);
      affected.set(problem.key, entry);
    }
  }
  progress('snapshots');
  for (const { problem, snapshots } of affected.values()) {
    const error: CheckError = { snapshot: snapshots[0]!, snapshots, message: `${problem.message} (needed by snapshot${snapshots.length > 1 ? 's' : ''} ${snapshots.map(short).join(', ')})` };
    if (problem.pack) error.pack = problem.pack;
    errors.push(error);
  }

  return { ok: errors.length === 0, errors, warnings, packsChecked, snapshots: snapshotFiles.length, trees: memo.size };
}

interface PackResult {
  messages: string[];
  /** Blobs of this pack that could not be verified. */
  badBlobs: PackEntry[];
}

/** Reads one pack completely and verifies name, header and every blob against the index. */
async function readPack(repo: Repository, packId: Id, indexed: PackEntry[], count: (n: number) => void): Promise<PackResult> {
  const what = `pack ${short(packId)}`;
  let data: Buffer;
  try {
    data = await repo.backend.load({ type: 'data', name: packId });
  } catch (err) {
    return { messages: [`${what} cannot be read: ${describeError(err)}`], badBlobs: indexed };
  }
  count(data.length);
  const messages: string[] = [];
  const bad = new Set<PackEntry>();
  if (sha256Hex(data) !== packId) messages.push(`${what} does not match its name (SHA-256 differs): the file is damaged`);
  let header: PackEntry[];
  try {
    header = readPackHeader(repo.masterKey, data, what);
  } catch (err) {
    return { messages: [...messages, `${what} has an unreadable header: ${describeError(err)}`], badBlobs: indexed };
  }
  const inHeader = new Map(header.map((e) => [`${e.type}:${e.id}:${e.offset}`, e]));
  for (const e of indexed) {
    const h = inHeader.get(`${e.type}:${e.id}:${e.offset}`);
    if (!h || h.length !== e.length || h.uncompressedLength !== e.uncompressedLength) {
      messages.push(`${what}: the index entry of ${e.type} blob ${short(e.id)} disagrees with the pack header`);
      bad.add(e);
    }
  }
  if (header.length !== indexed.length) messages.push(`${what}: the header lists ${header.length} blobs, the index ${indexed.length}`);
  const byKey = new Map(indexed.map((e) => [`${e.type}:${e.id}:${e.offset}`, e]));
  for (const e of header) {
    try {
      repo.decodeBlob(data.subarray(e.offset, e.offset + e.length), { ...e, packId });
    } catch (err) {
      messages.push(describeError(err));
      const indexedEntry = byKey.get(`${e.type}:${e.id}:${e.offset}`);
      if (indexedEntry) bad.add(indexedEntry);
    }
  }
  return { messages, badBlobs: [...bad] };
}
