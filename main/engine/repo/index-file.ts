/**
 * Index files: which blob lives where. JSON {"supersedes"?, "packs":[{"id",
 * "blobs":[{"id","type","offset","length","uncompressed_length"?}]}]}.
 * Very old restic wrote a bare array of packs; it is accepted on read.
 */
import { BackupError } from '../errors.ts';
import type { PackEntry } from './pack.ts';
import type { Id } from './types.ts';

export interface IndexPack {
  id: Id;
  blobs: PackEntry[];
}

export interface IndexFile {
  supersedes?: Id[];
  packs: IndexPack[];
}

const HEX64 = /^[0-9a-f]{64}$/;

export function encodeIndex(index: IndexFile): string {
  return JSON.stringify({
    ...(index.supersedes && index.supersedes.length > 0 ? { supersedes: index.supersedes } : {}),
    packs: index.packs.map((p) => ({
      id: p.id,
      blobs: p.blobs.map((b) => ({
        id: b.id,
        type: b.type,
        offset: b.offset,
        length: b.length,
        ...(b.uncompressedLength !== undefined ? { uncompressed_length: b.uncompressedLength } : {}),
      })),
    })),
  });
}

function isCount(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= 0;
}

export function decodeIndex(json: string, what: string): IndexFile {
  const bad = (detail: string): BackupError => new BackupError('permanent', `${what} is malformed (${detail}): the index file is damaged`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch (err) {
    throw new BackupError('permanent', `${what} is not valid JSON: the index file is damaged`, { cause: err });
  }
  const root = Array.isArray(parsed) ? { packs: parsed } : (parsed as { packs?: unknown; supersedes?: unknown } | null);
  if (!root || !Array.isArray(root.packs)) throw bad('no "packs" list');
  const packs: IndexPack[] = root.packs.map((raw: unknown) => {
    const p = raw as { id?: unknown; blobs?: unknown } | null;
    if (!p || typeof p.id !== 'string' || !HEX64.test(p.id) || !Array.isArray(p.blobs)) throw bad('a pack without id or blobs');
    const packId = p.id;
    return {
      id: packId,
      blobs: p.blobs.map((rawBlob: unknown) => {
        const b = rawBlob as { id?: unknown; type?: unknown; offset?: unknown; length?: unknown; uncompressed_length?: unknown } | null;
        if (!b || typeof b.id !== 'string' || !HEX64.test(b.id) || (b.type !== 'data' && b.type !== 'tree')
          || !isCount(b.offset) || !isCount(b.length)) {
          throw bad(`a bad blob entry in pack ${packId.slice(0, 12)}`);
        }
        const entry: PackEntry = { id: b.id, type: b.type, offset: b.offset, length: b.length };
        if (b.uncompressed_length !== undefined && b.uncompressed_length !== null) {
          if (!isCount(b.uncompressed_length)) throw bad(`a bad uncompressed_length in pack ${packId.slice(0, 12)}`);
          entry.uncompressedLength = b.uncompressed_length;
        }
        return entry;
      }),
    };
  });
  const supersedes = Array.isArray(root.supersedes) ? root.supersedes.filter((s): s is string => typeof s === 'string') : undefined;
  return supersedes && supersedes.length > 0 ? { supersedes, packs } : { packs };
}
