/**
 * A token bucket for the upload cap during market hours: callers ask for
 * permission to send n bytes and are told how long to wait. Time comes from an
 * injected clock so the cloud tier's pacing is testable without waiting.
 */
import type { Clock } from '../clock.ts';

export interface ThrottleOptions {
  /** Sustained rate in bytes per second. */
  bytesPerSecond: number;
  /** Largest burst; one second's worth unless set. */
  burstBytes?: number;
  clock: Clock;
}

export class TokenBucket {
  private readonly rate: number;
  private readonly capacity: number;
  private readonly clock: Clock;
  private tokens: number;
  private updatedAt: number;

  constructor(options: ThrottleOptions) {
    if (!(options.bytesPerSecond > 0)) throw new RangeError('bytesPerSecond must be positive');
    this.rate = options.bytesPerSecond;
    this.capacity = Math.max(1, options.burstBytes ?? options.bytesPerSecond);
    this.clock = options.clock;
    this.tokens = this.capacity;
    this.updatedAt = options.clock.now().getTime();
  }

  /**
   * Takes `bytes` from the bucket (it may go negative: a large write is allowed
   * and paid for afterwards) and returns how many ms the caller should wait
   * before sending them.
   */
  take(bytes: number): number {
    this.refill();
    this.tokens -= bytes;
    return this.tokens >= 0 ? 0 : Math.ceil((-this.tokens / this.rate) * 1000);
  }

  /** Bytes that can be sent right now without waiting. */
  available(): number {
    this.refill();
    return Math.max(0, Math.floor(this.tokens));
  }

  private refill(): void {
    const now = this.clock.now().getTime();
    const elapsed = Math.max(0, now - this.updatedAt) / 1000;
    this.tokens = Math.min(this.capacity, this.tokens + elapsed * this.rate);
    this.updatedAt = now;
  }
}

/** The cap in force at an instant: `marketHoursUploadKiBps` inside a blackout, none outside. */
export function uploadCapBytesPerSecond(inBlackout: boolean, marketHoursUploadKiBps: number | null): number | null {
  return inBlackout && marketHoursUploadKiBps !== null ? marketHoursUploadKiBps * 1024 : null;
}
