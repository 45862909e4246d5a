/**
 * Content-defined chunking for ordinary files, so an insertion near the start
 * of a large file does not shift (and so re-store) every later chunk.
 *
 * A gear rolling hash: h = (h << 1) + G[byte] over 32-bit integers, so h
 * depends only on the last 32 bytes. A chunk ends where the top `maskBits`
 * bits of h are zero, at least `minSize` and at most `maxSize` bytes in. With
 * 19 bits, the expected length is minSize + 512 KiB, about 1 MiB.
 * restic readers accept any chunking; this is not restic's Rabin chunker.
 *
 * The gear table comes from a seed; seeding it from the repository's chunker
 * polynomial keeps chunk boundaries (and so file-size fingerprints) specific
 * to one repository, the way restic's per-repository polynomial does.
 */
export interface ChunkerParams {
  minSize: number;
  maxSize: number;
  maskBits: number;
  seed: number;
}

export const DEFAULT_CHUNKER_PARAMS: ChunkerParams = {
  minSize: 512 * 1024,
  maxSize: 8 * 1024 * 1024,
  maskBits: 19,
  seed: 0x5eed_c0de,
};

/** Bytes hashed before the first possible cut, so h is fully warmed (>= 32). */
const WARMUP = 64;

export function gearTable(seed: number): Int32Array {
  // mulberry32: small, deterministic, good enough to spread bits.
  const table = new Int32Array(256);
  let state = seed | 0;
  for (let i = 0; i < 256; i++) {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    table[i] = t ^ (t >>> 14);
  }
  return table;
}

/**
 * Splits a stream pushed in pieces into chunks. Chunks are fresh Buffers the
 * caller may keep; the pushed pieces are copied, so callers may reuse them.
 */
export class ContentChunker {
  private readonly gear: Int32Array;
  private readonly mask: number;
  private readonly params: ChunkerParams;
  private buf: Buffer;
  private len = 0;
  private hash = 0;

  constructor(params: ChunkerParams = DEFAULT_CHUNKER_PARAMS) {
    if (params.minSize < WARMUP || params.maxSize < params.minSize || params.maskBits < 1 || params.maskBits > 31) {
      throw new RangeError(`invalid chunker parameters ${JSON.stringify(params)}`);
    }
    this.params = params;
    this.gear = gearTable(params.seed);
    this.mask = (~0 << (32 - params.maskBits)) | 0;
    this.buf = Buffer.allocUnsafe(params.maxSize);
  }

  /** Feeds bytes; returns the chunks completed by them. */
  push(data: Uint8Array): Buffer[] {
    const out: Buffer[] = [];
    const { minSize, maxSize } = this.params;
    const gear = this.gear;
    const mask = this.mask;
    let off = 0;
    while (off < data.length) {
      const room = maxSize - this.len;
      const end = Math.min(data.length, off + room);
      // Bytes before the warm-up point cannot influence a cut: skip hashing them.
      let i = Math.max(off, off + (minSize - WARMUP - this.len));
      let cut = -1;
      let h = this.hash;
      for (; i < end; i++) {
        h = ((h << 1) + (gear[data[i] as number] as number)) | 0;
        if ((h & mask) === 0 && this.len + (i + 1 - off) >= minSize) {
          cut = i + 1;
          break;
        }
      }
      this.hash = h;
      const stop = cut >= 0 ? cut : end;
      this.buf.set(data.subarray(off, stop), this.len);
      this.len += stop - off;
      off = stop;
      if (cut >= 0 || this.len === maxSize) out.push(this.take());
    }
    return out;
  }

  /** The last, possibly short chunk; undefined when nothing is pending. */
  finish(): Buffer | undefined {
    return this.len > 0 ? this.take() : undefined;
  }

  private take(): Buffer {
    const chunk = Buffer.from(this.buf.subarray(0, this.len));
    this.len = 0;
    this.hash = 0;
    return chunk;
  }
}
