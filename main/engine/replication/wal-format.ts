/**
 * SQLite's WAL file format (https://www.sqlite.org/fileformat2.html#walformat):
 * a 32-byte header, then frames of a 24-byte header plus one page. Checksums
 * are cumulative: each frame's checksum continues from the previous one's, so
 * a frame is valid only if its salts match the header and the chain holds.
 */
import { BackupError } from '../errors.ts';

export const WAL_HEADER_SIZE = 32;
export const FRAME_HEADER_SIZE = 24;
const MAGIC_LE = 0x377f0682;
const MAGIC_BE = 0x377f0683;
const WAL_VERSION = 3007000;

export interface WalHeader {
  /** Checksums are computed over big-endian words (magic ends in 3) or little-endian ones. */
  bigEndianChecksum: boolean;
  pageSize: number;
  checkpointSeq: number;
  salt1: number;
  salt2: number;
  checksum1: number;
  checksum2: number;
}

export interface FrameHeader {
  pageNumber: number;
  /** Database size in pages after a commit; 0 for frames that are not the last of a transaction. */
  commitSize: number;
  salt1: number;
  salt2: number;
  checksum1: number;
  checksum2: number;
}

export type Checksum = readonly [number, number];

/** SQLite's WAL checksum over `data` (a multiple of 8 bytes), continuing from `seed`. */
export function walChecksum(data: Uint8Array, bigEndian: boolean, seed: Checksum): [number, number] {
  if (data.length % 8 !== 0) throw new BackupError('fatal', `WAL checksum input is ${data.length} bytes, not a multiple of 8`);
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const littleEndian = !bigEndian;
  let s1 = seed[0] >>> 0;
  let s2 = seed[1] >>> 0;
  for (let i = 0; i < data.length; i += 8) {
    s1 = (s1 + view.getUint32(i, littleEndian) + s2) >>> 0;
    s2 = (s2 + view.getUint32(i + 4, littleEndian) + s1) >>> 0;
  }
  return [s1, s2];
}

/** Parses and validates the WAL header; null when the bytes are not a valid header (empty or torn WAL). */
export function parseWalHeader(bytes: Uint8Array): WalHeader | null {
  if (bytes.length < WAL_HEADER_SIZE) return null;
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, WAL_HEADER_SIZE);
  const magic = b.readUInt32BE(0);
  if (magic !== MAGIC_LE && magic !== MAGIC_BE) return null;
  if (b.readUInt32BE(4) !== WAL_VERSION) return null;
  const pageSize = b.readUInt32BE(8);
  const header: WalHeader = {
    bigEndianChecksum: magic === MAGIC_BE,
    // 65536 is stored as 1 in some places of the file format; in the WAL header it is the value itself.
    pageSize: pageSize === 1 ? 65536 : pageSize,
    checkpointSeq: b.readUInt32BE(12),
    salt1: b.readUInt32BE(16),
    salt2: b.readUInt32BE(20),
    checksum1: b.readUInt32BE(24),
    checksum2: b.readUInt32BE(28),
  };
  if (header.pageSize < 512 || header.pageSize > 65536 || (header.pageSize & (header.pageSize - 1)) !== 0) return null;
  const [c1, c2] = walChecksum(b.subarray(0, 24), header.bigEndianChecksum, [0, 0]);
  if (c1 !== header.checksum1 || c2 !== header.checksum2) return null;
  return header;
}

export function parseFrameHeader(bytes: Uint8Array): FrameHeader {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, FRAME_HEADER_SIZE);
  return {
    pageNumber: b.readUInt32BE(0),
    commitSize: b.readUInt32BE(4),
    salt1: b.readUInt32BE(8),
    salt2: b.readUInt32BE(12),
    checksum1: b.readUInt32BE(16),
    checksum2: b.readUInt32BE(20),
  };
}

export function frameSize(pageSize: number): number {
  return FRAME_HEADER_SIZE + pageSize;
}

/** Byte offset of frame `index` (0-based) in the WAL file. */
export function frameOffset(pageSize: number, index: number): number {
  return WAL_HEADER_SIZE + index * frameSize(pageSize);
}

/**
 * Checks one frame against the header's salts and the running checksum;
 * returns the frame's checksum when valid, null when the chain ends here.
 */
export function verifyFrame(header: WalHeader, frame: Uint8Array, previous: Checksum): [number, number] | null {
  const fh = parseFrameHeader(frame);
  if (fh.salt1 !== header.salt1 || fh.salt2 !== header.salt2 || fh.pageNumber === 0) return null;
  const afterHeader = walChecksum(frame.subarray(0, 8), header.bigEndianChecksum, previous);
  const sum = walChecksum(frame.subarray(FRAME_HEADER_SIZE, FRAME_HEADER_SIZE + header.pageSize), header.bigEndianChecksum, afterHeader);
  if (sum[0] !== fh.checksum1 || sum[1] !== fh.checksum2) return null;
  return sum;
}
