/**
 * Reads the committed frames a WAL file holds after a known position. Only
 * whole transactions are returned (up to the last valid commit frame), and
 * only when the file still continues the position we hold: same salts, the
 * last frame we copied still carries the checksum we recorded, and the file
 * did not shrink below it. Anything else is a discontinuity the caller must
 * resolve (continue after a proven restart, or start a new generation).
 */
import { open } from 'node:fs/promises';
import { BackupError } from '../errors.ts';
import type { WalPosition } from './wal-segment-codec.ts';
import {
  FRAME_HEADER_SIZE, WAL_HEADER_SIZE, frameOffset, frameSize, parseFrameHeader, parseWalHeader, verifyFrame, type WalHeader,
} from './wal-format.ts';

export interface WalFrame {
  /** 0-based index of the frame in the WAL file. */
  index: number;
  pageNumber: number;
  /** Database size in pages after the commit, or 0 when this frame does not end a transaction. */
  commitSize: number;
  page: Buffer;
  /** The cumulative WAL checksum after this frame. */
  checksum1: number;
  checksum2: number;
}

export type WalReadResult =
  /** Frames of whole transactions after the position (possibly none); `end` is the position after them. */
  | { kind: 'frames'; header: WalHeader; frames: WalFrame[]; end: WalPosition; fileSize: number; more: boolean }
  /** No WAL file, or one without a valid header (never written since the last TRUNCATE). */
  | { kind: 'no-wal'; fileSize: number }
  /** The file no longer continues `from`. */
  | { kind: 'discontinuous'; header: WalHeader | null; reason: string; fileSize: number };

export interface ReadWalOptions {
  /** Stop after about this many bytes of frames (the rest is read next time). */
  maxBytes?: number;
  /**
   * Take the checksums from the frame headers instead of recomputing them:
   * only to find the last commit quickly while commits are held off (no frame
   * can be half-written then); verify the same range normally afterwards.
   */
  headersOnly?: boolean;
}

const DEFAULT_MAX_BYTES = 64 * 1024 * 1024;
const READ_CHUNK_BYTES = 4 * 1024 * 1024;

/** The position at the very start of a WAL file with this header. */
export function walStart(header: WalHeader): WalPosition {
  return {
    salt1: header.salt1, salt2: header.salt2, checkpointSeq: header.checkpointSeq, walFrames: 0,
    checksum1: header.checksum1, checksum2: header.checksum2,
  };
}

/**
 * Reads committed frames after `from` (null: from the start of whatever WAL
 * is there). Errors other than a missing file are 'transient' I/O problems.
 */
export async function readWalFrames(walPath: string, from: WalPosition | null, options: ReadWalOptions = {}): Promise<WalReadResult> {
  let handle;
  try {
    handle = await open(walPath, 'r');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'no-wal', fileSize: 0 };
    throw new BackupError('transient', `cannot open the WAL file ${walPath}: ${(err as Error).message}`, { cause: err });
  }
  try {
    const fileSize = (await handle.stat()).size;
    const headBytes = Buffer.alloc(WAL_HEADER_SIZE);
    const got = (await handle.read(headBytes, 0, WAL_HEADER_SIZE, 0)).bytesRead;
    const header = got === WAL_HEADER_SIZE ? parseWalHeader(headBytes) : null;
    if (!header) {
      return from && from.walFrames > 0
        ? { kind: 'discontinuous', header: null, reason: 'the WAL file was truncated (no valid header)', fileSize }
        : { kind: 'no-wal', fileSize };
    }
    const start = from ?? walStart(header);
    if (header.salt1 !== start.salt1 || header.salt2 !== start.salt2) {
      return { kind: 'discontinuous', header, reason: 'the WAL restarted (its salts changed)', fileSize };
    }
    const fsize = frameSize(header.pageSize);
    if (start.walFrames > 0) {
      const lastAt = frameOffset(header.pageSize, start.walFrames - 1);
      if (fileSize < lastAt + fsize) return { kind: 'discontinuous', header, reason: 'the WAL file shrank below the last copied frame', fileSize };
      const fhBytes = Buffer.alloc(FRAME_HEADER_SIZE);
      await handle.read(fhBytes, 0, FRAME_HEADER_SIZE, lastAt);
      const fh = parseFrameHeader(fhBytes);
      if (fh.salt1 !== start.salt1 || fh.salt2 !== start.salt2 || fh.checksum1 !== start.checksum1 || fh.checksum2 !== start.checksum2) {
        return { kind: 'discontinuous', header, reason: 'the last copied WAL frame changed (checksum chain broken)', fileSize };
      }
    }
    const from0 = frameOffset(header.pageSize, start.walFrames);
    const available = Math.floor(Math.max(0, fileSize - from0) / fsize) * fsize;
    const maxBytes = Math.max(fsize, options.maxBytes ?? DEFAULT_MAX_BYTES);
    const limit = Math.floor(Math.min(available, maxBytes) / fsize) * fsize;
    // Read in chunks and stop where the chain ends: after a restart the file keeps the old WAL's frames
    // behind the new one (it never shrinks without TRUNCATE), and reading that stale tail every interval
    // was most of the replicator's CPU and I/O once the file had grown large.
    const chunkBytes = Math.max(fsize, Math.floor(READ_CHUNK_BYTES / fsize) * fsize);
    const frames: WalFrame[] = [];
    let committed = 0;
    let chain: [number, number] = [start.checksum1, start.checksum2];
    let end: WalPosition = start;
    let chainEnded = false;
    let consumed = 0;
    while (!chainEnded && consumed < limit) {
      const want = Math.min(chunkBytes, limit - consumed);
      // Not zero-filled: only the bytesRead that came back are looked at.
      const buf = Buffer.allocUnsafe(want);
      const got = (await handle.read(buf, 0, want, from0 + consumed)).bytesRead;
      let off = 0;
      for (; off + fsize <= got; off += fsize) {
        const raw = buf.subarray(off, off + fsize);
        const fh = parseFrameHeader(raw);
        const sum: [number, number] | null = options.headersOnly
          ? (fh.salt1 === header.salt1 && fh.salt2 === header.salt2 && fh.pageNumber !== 0 ? [fh.checksum1, fh.checksum2] : null)
          : verifyFrame(header, raw, chain);
        if (!sum) {
          chainEnded = true;
          break;
        }
        chain = sum;
        const index = start.walFrames + (consumed + off) / fsize;
        frames.push({ index, pageNumber: fh.pageNumber, commitSize: fh.commitSize, page: raw.subarray(FRAME_HEADER_SIZE), checksum1: sum[0], checksum2: sum[1] });
        if (fh.commitSize !== 0) {
          committed = frames.length;
          end = { ...start, checkpointSeq: header.checkpointSeq, walFrames: index + 1, checksum1: sum[0], checksum2: sum[1] };
        }
      }
      consumed += off;
      if (off < want) break; // a short read: the file ends here for now
    }
    // `more`: the byte limit cut a valid chain short; call again from `end` for the rest. (The file is often
    // longer than the WAL: a restart rewrites it from the top and leaves older frames behind.)
    const more = !chainEnded && consumed >= limit && limit < available && committed > 0;
    return { kind: 'frames', header, frames: frames.slice(0, committed), end, fileSize, more };
  } finally {
    await handle.close();
  }
}
