/**
 * One replication segment: the WAL frames of whole commits, as stored (zstd,
 * then encrypted with the repository master key) in the repository's 'wal'
 * folder. Binary rather than JSON because a segment is mostly page images.
 * The layout is documented in docs/format.md ("Real-time replication").
 *
 * Frame sequence numbers count frames from the start of a generation (the
 * base snapshot is the state at sequence 0; the first shipped frame is 1), so
 * they keep growing when the WAL file itself restarts inside a generation.
 */
import { compress, decompress } from 'zstd-napi';
import { decrypt, encrypt, type MasterKey } from '../repo/crypto.ts';
import { BackupError } from '../errors.ts';

export const SEGMENT_MAGIC = 'QBKWALS1';
export const SEGMENT_VERSION = 1;
const HEADER_SIZE = 80;
const COMMIT_SIZE = 24;
const GENERATION = /^[0-9a-f]{16}$/;
const SEGMENT_NAME = /^([0-9a-f]{16})-([0-9a-f]{16})-([0-9a-f]{16})$/;

export interface SegmentFrame {
  pageNumber: number;
  page: Buffer;
}

export interface SegmentCommit {
  /** Generation sequence number of the commit frame (the last frame of the transaction). */
  frameSeq: number;
  /** Database size in pages after this commit (truncate the file to this on apply). */
  dbSizePages: number;
  /** When the replicator first saw the commit in the WAL, ms since the epoch. */
  observedMs: number;
}

/** Where the WAL file stood right after this segment's last frame: what resume compares against. */
export interface WalPosition {
  salt1: number;
  salt2: number;
  /** WAL header checkpoint sequence number. */
  checkpointSeq: number;
  /** Frames of the current WAL file covered so far (the next frame to read is this index, 0-based). */
  walFrames: number;
  /** Cumulative WAL checksum of the last frame (or of the WAL header when walFrames is 0). */
  checksum1: number;
  checksum2: number;
}

export interface WalSegment {
  generation: string;
  pageSize: number;
  /** Sequence number of the first frame (>= 1). */
  firstSeq: number;
  /** Sequence number of the last frame; a segment always ends with a commit frame. */
  lastSeq: number;
  end: WalPosition;
  frames: SegmentFrame[];
  commits: SegmentCommit[];
}

export interface SegmentName {
  generation: string;
  firstSeq: number;
  lastSeq: number;
}

/**
 * A new generation id: 12 hex digits of the start time in ms, then 4 random
 * ones, so sorting ids sorts generations by when they started.
 */
export function newGenerationId(nowMs: number, random: number = Math.floor(Math.random() * 0x10000)): string {
  return `${Math.floor(nowMs).toString(16).padStart(12, '0').slice(-12)}${(random & 0xffff).toString(16).padStart(4, '0')}`;
}

export function isGeneration(id: string): boolean {
  return GENERATION.test(id);
}

/** `<generation>-<first seq, 16 hex>-<last seq, 16 hex>`: a sorted listing is generation order, then frame order. */
export function segmentFileName(s: SegmentName): string {
  if (!isGeneration(s.generation)) throw new BackupError('fatal', `generation id ${JSON.stringify(s.generation)} is not 16 lowercase hex digits`);
  return `${s.generation}-${hex16(s.firstSeq)}-${hex16(s.lastSeq)}`;
}

/** Parses a segment file name; null for anything else in the folder. */
export function parseSegmentFileName(name: string): SegmentName | null {
  const m = SEGMENT_NAME.exec(name);
  if (!m) return null;
  const firstSeq = Number.parseInt(m[2]!, 16);
  const lastSeq = Number.parseInt(m[3]!, 16);
  if (!Number.isSafeInteger(firstSeq) || !Number.isSafeInteger(lastSeq) || firstSeq < 1 || lastSeq < firstSeq) return null;
  return { generation: m[1]!, firstSeq, lastSeq };
}

function hex16(n: number): string {
  if (!Number.isSafeInteger(n) || n < 0) throw new BackupError('fatal', `frame sequence ${n} is out of range`);
  return n.toString(16).padStart(16, '0');
}

function validate(s: WalSegment): void {
  const problem = (why: string) => new BackupError('fatal', `cannot encode WAL segment ${s.generation}/${s.firstSeq}: ${why}`);
  if (!isGeneration(s.generation)) throw problem('the generation id is not 16 lowercase hex digits');
  if (s.frames.length !== s.lastSeq - s.firstSeq + 1 || s.firstSeq < 1) throw problem('the frame range does not match the frames');
  if (s.commits.length === 0 || s.commits.at(-1)!.frameSeq !== s.lastSeq) throw problem('it must end with a commit frame');
  let prev = s.firstSeq - 1;
  for (const c of s.commits) {
    if (c.frameSeq <= prev || c.frameSeq > s.lastSeq) throw problem('commit frames are out of order');
    prev = c.frameSeq;
  }
  for (const f of s.frames) if (f.page.length !== s.pageSize) throw problem(`a page is ${f.page.length} bytes, not ${s.pageSize}`);
}

/** The plaintext layout, before compression and encryption. */
export function encodeSegmentPlain(s: WalSegment): Buffer {
  validate(s);
  const header = Buffer.alloc(HEADER_SIZE);
  header.write(SEGMENT_MAGIC, 0, 'latin1');
  header.writeUInt32BE(SEGMENT_VERSION, 8);
  header.writeUInt32BE(s.pageSize, 12);
  header.write(s.generation, 16, 'latin1');
  header.writeBigUInt64BE(BigInt(s.firstSeq), 32);
  header.writeBigUInt64BE(BigInt(s.lastSeq), 40);
  header.writeUInt32BE(s.commits.length, 48);
  header.writeUInt32BE(s.end.salt1 >>> 0, 52);
  header.writeUInt32BE(s.end.salt2 >>> 0, 56);
  header.writeUInt32BE(s.end.checkpointSeq >>> 0, 60);
  header.writeUInt32BE(s.end.walFrames >>> 0, 64);
  header.writeUInt32BE(s.end.checksum1 >>> 0, 68);
  header.writeUInt32BE(s.end.checksum2 >>> 0, 72);
  const commits = Buffer.alloc(s.commits.length * COMMIT_SIZE);
  s.commits.forEach((c, i) => {
    const o = i * COMMIT_SIZE;
    commits.writeBigUInt64BE(BigInt(c.frameSeq), o);
    commits.writeBigUInt64BE(BigInt(Math.round(c.observedMs)), o + 8);
    commits.writeUInt32BE(c.dbSizePages, o + 16);
  });
  const parts: Buffer[] = [header, commits];
  for (const f of s.frames) {
    const pgno = Buffer.alloc(4);
    pgno.writeUInt32BE(f.pageNumber);
    parts.push(pgno, f.page);
  }
  return Buffer.concat(parts);
}

export function decodeSegmentPlain(bytes: Buffer, what = 'WAL segment'): WalSegment {
  const damaged = (why: string) => new BackupError('permanent', `${what} is damaged: ${why}`);
  if (bytes.length < HEADER_SIZE) throw damaged('it is shorter than its header');
  if (bytes.toString('latin1', 0, 8) !== SEGMENT_MAGIC) throw damaged('it does not start with the segment magic');
  const version = bytes.readUInt32BE(8);
  if (version !== SEGMENT_VERSION) {
    throw new BackupError('permanent', `${what} has format version ${version}; this program reads version ${SEGMENT_VERSION}: update QuantAI Backup`);
  }
  const pageSize = bytes.readUInt32BE(12);
  const generation = bytes.toString('latin1', 16, 32);
  const firstSeq = Number(bytes.readBigUInt64BE(32));
  const lastSeq = Number(bytes.readBigUInt64BE(40));
  const commitCount = bytes.readUInt32BE(48);
  const end: WalPosition = {
    salt1: bytes.readUInt32BE(52),
    salt2: bytes.readUInt32BE(56),
    checkpointSeq: bytes.readUInt32BE(60),
    walFrames: bytes.readUInt32BE(64),
    checksum1: bytes.readUInt32BE(68),
    checksum2: bytes.readUInt32BE(72),
  };
  if (!isGeneration(generation)) throw damaged('its generation id is malformed');
  if (pageSize < 512 || pageSize > 65536 || (pageSize & (pageSize - 1)) !== 0) throw damaged(`page size ${pageSize} is not valid`);
  const frameCount = lastSeq - firstSeq + 1;
  if (firstSeq < 1 || frameCount < 1) throw damaged('its frame range is empty');
  const framesAt = HEADER_SIZE + commitCount * COMMIT_SIZE;
  if (bytes.length !== framesAt + frameCount * (4 + pageSize)) throw damaged('its length does not match its frame count');
  const commits: SegmentCommit[] = [];
  for (let i = 0; i < commitCount; i++) {
    const o = HEADER_SIZE + i * COMMIT_SIZE;
    commits.push({
      frameSeq: Number(bytes.readBigUInt64BE(o)),
      observedMs: Number(bytes.readBigUInt64BE(o + 8)),
      dbSizePages: bytes.readUInt32BE(o + 16),
    });
  }
  const frames: SegmentFrame[] = [];
  for (let i = 0; i < frameCount; i++) {
    const o = framesAt + i * (4 + pageSize);
    frames.push({ pageNumber: bytes.readUInt32BE(o), page: bytes.subarray(o + 4, o + 4 + pageSize) });
  }
  const segment: WalSegment = { generation, pageSize, firstSeq, lastSeq, end, frames, commits };
  try {
    validate(segment);
  } catch (err) {
    throw damaged(err instanceof Error ? err.message : String(err));
  }
  return segment;
}

/** Plaintext -> zstd -> IV || AES-256-CTR || Poly1305, like every other repository file. */
export function encodeSegment(key: MasterKey, s: WalSegment): Buffer {
  return encrypt(key, compress(encodeSegmentPlain(s)));
}

export function decodeSegment(key: MasterKey, stored: Uint8Array, what = 'WAL segment'): WalSegment {
  const compressed = decrypt(key, stored, what);
  let plain: Buffer;
  try {
    plain = decompress(compressed);
  } catch (err) {
    throw new BackupError('permanent', `${what} cannot be decompressed: it is damaged`, { cause: err });
  }
  return decodeSegmentPlain(plain, what);
}
