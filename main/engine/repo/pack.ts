/**
 * Pack files: encrypted blobs back to back, then the encrypted header, then the
 * header's encrypted length as uint32 LE. A header entry is
 * type(1) || stored length(4) || [uncompressed length(4), types 2 and 3] || id(32).
 */
import { BackupError } from '../errors.ts';
import { CRYPTO_OVERHEAD, decrypt, encrypt, sha256Hex, type MasterKey } from './crypto.ts';
import type { BlobType, Id } from './types.ts';

export interface PackEntry {
  type: BlobType;
  id: Id;
  offset: number;
  /** Stored (encrypted, maybe compressed) length. */
  length: number;
  /** Plaintext length when the blob is compressed. */
  uncompressedLength?: number;
}

const ENTRY_PLAIN = 1 + 4 + 32;
const ENTRY_COMPRESSED = 1 + 4 + 4 + 32;

function entrySize(e: PackEntry): number {
  return e.uncompressedLength === undefined ? ENTRY_PLAIN : ENTRY_COMPRESSED;
}

/** Size of a pack file holding these entries; check compares it with the stored file. */
export function packSizeOf(entries: readonly PackEntry[]): number {
  let size = CRYPTO_OVERHEAD + 4;
  for (const e of entries) size += e.length + entrySize(e);
  return size;
}

function typeByte(e: PackEntry): number {
  const base = e.type === 'data' ? 0 : 1;
  return e.uncompressedLength === undefined ? base : base + 2;
}

export function encodePackHeader(entries: readonly PackEntry[]): Buffer {
  const buf = Buffer.alloc(entries.reduce((n, e) => n + entrySize(e), 0));
  let at = 0;
  for (const e of entries) {
    at = buf.writeUInt8(typeByte(e), at);
    at = buf.writeUInt32LE(e.length, at);
    if (e.uncompressedLength !== undefined) at = buf.writeUInt32LE(e.uncompressedLength, at);
    at += Buffer.from(e.id, 'hex').copy(buf, at);
  }
  return buf;
}

/** Parses a decrypted header; offsets follow from the lengths, in order. */
export function decodePackHeader(plain: Buffer, what: string): PackEntry[] {
  const entries: PackEntry[] = [];
  let at = 0;
  let offset = 0;
  while (at < plain.length) {
    const t = plain[at]!;
    if (t > 3) throw new BackupError('permanent', `${what} has an unknown blob type ${t} in its header`);
    const compressed = t >= 2;
    const size = compressed ? ENTRY_COMPRESSED : ENTRY_PLAIN;
    if (at + size > plain.length) throw new BackupError('permanent', `${what} has a truncated header`);
    const length = plain.readUInt32LE(at + 1);
    const uncompressedLength = compressed ? plain.readUInt32LE(at + 5) : undefined;
    const id = plain.subarray(at + size - 32, at + size).toString('hex');
    const entry: PackEntry = { type: t % 2 === 0 ? 'data' : 'tree', id, offset, length };
    if (uncompressedLength !== undefined) entry.uncompressedLength = uncompressedLength;
    entries.push(entry);
    offset += length;
    at += size;
  }
  return entries;
}

/** Reads the header of a whole pack file held in memory. */
export function readPackHeader(key: MasterKey, pack: Buffer, what: string): PackEntry[] {
  if (pack.length < 4 + CRYPTO_OVERHEAD) throw new BackupError('permanent', `${what} is too short to be a pack`);
  const headerLength = pack.readUInt32LE(pack.length - 4);
  if (headerLength < CRYPTO_OVERHEAD || headerLength > pack.length - 4) {
    throw new BackupError('permanent', `${what} has an invalid header length ${headerLength}`);
  }
  const start = pack.length - 4 - headerLength;
  const entries = decodePackHeader(decrypt(key, pack.subarray(start, pack.length - 4), `the header of ${what}`), what);
  const last = entries.at(-1);
  if (last && last.offset + last.length !== start) {
    throw new BackupError('permanent', `${what}: header describes ${last.offset + last.length} bytes of blobs but the pack holds ${start}`);
  }
  return entries;
}

/** Collects the encrypted blobs of one pack in memory until it is written. */
export class PackBuilder {
  readonly blobType: BlobType;
  readonly entries: PackEntry[] = [];
  private readonly parts: Buffer[] = [];
  private bytes = 0;

  constructor(blobType: BlobType) {
    this.blobType = blobType;
  }

  /** Bytes of blob data so far (the header comes on top). */
  get size(): number {
    return this.bytes;
  }

  get count(): number {
    return this.entries.length;
  }

  add(id: Id, stored: Buffer, uncompressedLength?: number): PackEntry {
    const entry: PackEntry = { type: this.blobType, id, offset: this.bytes, length: stored.length };
    if (uncompressedLength !== undefined) entry.uncompressedLength = uncompressedLength;
    this.entries.push(entry);
    this.parts.push(stored);
    this.bytes += stored.length;
    return entry;
  }

  /** The stored bytes of a blob still in this builder (for reads before the pack is written). */
  storedBytes(entry: PackEntry): Buffer | undefined {
    const i = this.entries.indexOf(entry);
    return i < 0 ? undefined : this.parts[i];
  }

  finish(key: MasterKey): { id: Id; bytes: Buffer } {
    const header = encrypt(key, encodePackHeader(this.entries));
    const length = Buffer.alloc(4);
    length.writeUInt32LE(header.length);
    const bytes = Buffer.concat([...this.parts, header, length]);
    return { id: sha256Hex(bytes), bytes };
  }
}
