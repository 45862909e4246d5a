/**
 * After a WAL restart, the old WAL's frames beyond the new WAL's end are still
 * physically in the file (a restart rewrites from the top; only TRUNCATE or a
 * journal size limit cuts the file). Following the old checksum chain from the
 * last frame we shipped tells what the old WAL still had after it.
 */
import { open } from 'node:fs/promises';
import { BackupError } from '../errors.ts';
import { FRAME_HEADER_SIZE, frameOffset, frameSize, parseFrameHeader, verifyFrame, type WalHeader } from './wal-format.ts';
import type { WalFrame } from './wal-reader.ts';
import type { WalPosition } from './wal-segment-codec.ts';

export interface OldChain {
  /** Committed frames of the old WAL after the position (whole transactions, checksums verified). */
  frames: WalFrame[];
  /** The position after them. */
  end: WalPosition;
  /** Index of the first slot whose frame header does not carry the old salts. */
  chainEnd: number;
  fileSize: number;
}

export interface OldFrames {
  raw: Buffer[];
  chainEnd: number;
  fileSize: number;
}

async function openWal(walPath: string) {
  try {
    return await open(walPath, 'r');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new BackupError('transient', `cannot open the WAL file ${walPath}: ${(err as Error).message}`, { cause: err });
  }
}

const CHUNK_BYTES = 4 * 1024 * 1024;

/**
 * Copies the frames after `from` whose headers still carry the old salts,
 * quickly (no checksums yet: the new WAL may overwrite them at any moment).
 */
export async function captureOldFrames(walPath: string, from: WalPosition, pageSize: number): Promise<OldFrames> {
  const handle = await openWal(walPath);
  if (!handle) return { raw: [], chainEnd: from.walFrames, fileSize: 0 };
  try {
    const fileSize = (await handle.stat()).size;
    const fsize = frameSize(pageSize);
    const chunkFrames = Math.max(1, Math.floor(CHUNK_BYTES / fsize));
    const raw: Buffer[] = [];
    let index = from.walFrames;
    for (;;) {
      const buf = Buffer.allocUnsafe(chunkFrames * fsize);
      const got = (await handle.read(buf, 0, buf.length, frameOffset(pageSize, index))).bytesRead;
      let off = 0;
      for (; off + fsize <= got; off += fsize, index++) {
        const fh = parseFrameHeader(buf.subarray(off, off + FRAME_HEADER_SIZE));
        if (fh.salt1 !== from.salt1 || fh.salt2 !== from.salt2) return { raw, chainEnd: index, fileSize };
        raw.push(buf.subarray(off, off + fsize));
      }
      if (got < buf.length) return { raw, chainEnd: index, fileSize };
    }
  } finally {
    await handle.close();
  }
}

/** Verifies the captured frames' checksum chain from `from` and keeps the whole transactions. */
export function verifyOldFrames(captured: OldFrames, from: WalPosition, pageSize: number, bigEndianChecksum: boolean): OldChain {
  const oldHeader: WalHeader = {
    bigEndianChecksum, pageSize, checkpointSeq: from.checkpointSeq, salt1: from.salt1, salt2: from.salt2, checksum1: 0, checksum2: 0,
  };
  let chain: [number, number] = [from.checksum1, from.checksum2];
  const frames: WalFrame[] = [];
  let committed = 0;
  let end = from;
  let index = from.walFrames;
  for (const raw of captured.raw) {
    const sum = verifyFrame(oldHeader, raw, chain);
    if (!sum) break;
    chain = sum;
    const fh = parseFrameHeader(raw);
    frames.push({ index, pageNumber: fh.pageNumber, commitSize: fh.commitSize, page: raw.subarray(FRAME_HEADER_SIZE), checksum1: sum[0], checksum2: sum[1] });
    if (fh.commitSize !== 0) {
      committed = frames.length;
      end = { ...from, walFrames: index + 1, checksum1: sum[0], checksum2: sum[1] };
    }
    index++;
  }
  return { frames: frames.slice(0, committed), end, chainEnd: captured.chainEnd, fileSize: captured.fileSize };
}

export async function readOldChain(walPath: string, from: WalPosition, pageSize: number, bigEndianChecksum: boolean): Promise<OldChain> {
  return verifyOldFrames(await captureOldFrames(walPath, from, pageSize), from, pageSize, bigEndianChecksum);
}

/** How many slots from the top already carry the new WAL's salts (written, or being written). */
export async function slotsWithSalts(walPath: string, header: WalHeader, limit: number): Promise<number> {
  const handle = await openWal(walPath);
  if (!handle) return 0;
  try {
    const fh = Buffer.alloc(FRAME_HEADER_SIZE);
    let n = 0;
    for (; n < limit; n++) {
      const got = (await handle.read(fh, 0, FRAME_HEADER_SIZE, frameOffset(header.pageSize, n))).bytesRead;
      if (got < FRAME_HEADER_SIZE) break;
      const h = parseFrameHeader(fh);
      if (h.salt1 !== header.salt1 || h.salt2 !== header.salt2) break;
    }
    return n;
  } finally {
    await handle.close();
  }
}

/** True when committed frames continue the chain at `from` (used by tests and the start-up check). */
export async function hasCommittedFramesAfter(walPath: string, from: WalPosition, pageSize: number, bigEndianChecksum: boolean): Promise<boolean> {
  return (await readOldChain(walPath, from, pageSize, bigEndianChecksum)).frames.length > 0;
}

/**
 * True when the slot of the last frame we shipped still holds that frame (its
 * salts and cumulative checksum): the file was not truncated below it since,
 * and a new WAL has not overwritten it.
 */
export async function lastFrameInPlace(walPath: string, position: WalPosition, pageSize: number): Promise<boolean> {
  if (position.walFrames === 0) return false;
  const handle = await openWal(walPath);
  if (!handle) return false;
  try {
    const b = Buffer.alloc(FRAME_HEADER_SIZE);
    const got = (await handle.read(b, 0, FRAME_HEADER_SIZE, frameOffset(pageSize, position.walFrames - 1))).bytesRead;
    if (got < FRAME_HEADER_SIZE) return false;
    const fh = parseFrameHeader(b);
    return fh.salt1 === position.salt1 && fh.salt2 === position.salt2 && fh.checksum1 === position.checksum1 && fh.checksum2 === position.checksum2;
  } finally {
    await handle.close();
  }
}

/**
 * True when slot `slot` carries the new WAL's salts. A new WAL is written
 * from the top, contiguously, so this says whether it has reached the slot;
 * one read, so the answer is not delayed (and inflated) by a long count
 * while the writer keeps appending.
 */
export async function newWalReached(walPath: string, header: WalHeader, slot: number): Promise<boolean> {
  const handle = await openWal(walPath);
  if (!handle) return false;
  try {
    const fh = Buffer.alloc(FRAME_HEADER_SIZE);
    const got = (await handle.read(fh, 0, FRAME_HEADER_SIZE, frameOffset(header.pageSize, slot))).bytesRead;
    if (got < FRAME_HEADER_SIZE) return false;
    const h = parseFrameHeader(fh);
    return h.salt1 === header.salt1 && h.salt2 === header.salt2;
  } finally {
    await handle.close();
  }
}
