/**
 * Paces uploads to the cap in force right now. The cap can change during a
 * long run (a blackout starts at 09:30), so it is looked up again for every
 * chunk and the token bucket is rebuilt when it changes.
 */
import type { Clock } from '../clock.ts';
import { TokenBucket } from '../schedule/upload-throttle.ts';

export type CapLookup = (now: Date) => number | null;

export interface UploadPacerOptions {
  clock: Clock;
  /** Bytes per second allowed at an instant; null: no cap. */
  capAt: CapLookup;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

export class UploadPacer {
  private readonly clock: Clock;
  private readonly capAt: CapLookup;
  private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  private bucket: TokenBucket | null = null;
  private bucketRate: number | null = null;

  constructor(options: UploadPacerOptions) {
    this.clock = options.clock;
    this.capAt = options.capAt;
    this.sleep = options.sleep ?? abortableSleep;
  }

  /** Whether a cap applies right now; when none does an upload can skip pacing (and the stream copy it costs). */
  capped(): boolean {
    return this.capAt(this.clock.now()) !== null;
  }

  /** Waits until `bytes` may be sent under the current cap. */
  async pace(bytes: number, signal?: AbortSignal): Promise<void> {
    const rate = this.capAt(this.clock.now());
    if (rate === null) {
      this.bucket = null;
      this.bucketRate = null;
      return;
    }
    if (!this.bucket || this.bucketRate !== rate) {
      // A small burst: a full second's worth would let a whole part through at once.
      this.bucket = new TokenBucket({ bytesPerSecond: rate, burstBytes: Math.max(1, Math.floor(rate / 4)), clock: this.clock });
      this.bucketRate = rate;
    }
    const wait = this.bucket.take(bytes);
    if (wait > 0) await this.sleep(wait, signal);
  }
}

function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason as Error);
      return;
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason as Error);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
