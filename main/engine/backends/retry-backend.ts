/**
 * A decorator that retries 'transient' errors of any Backend with exponential
 * backoff and full jitter (a random wait up to the exponential cap, so many
 * clients hit by the same outage do not retry in lockstep), bounded by an
 * attempt count. Other kinds fail at once: retrying cannot fix them.
 *
 * Every operation is safe to repeat: files are content-addressed, so a second
 * save writes the same bytes.
 */
import { BackupError, isBackupError } from '../errors.ts';
import { silentLogger, type Logger } from '../logger.ts';
import type { Backend, FileHandle, FileInfo, FileType } from './backend.ts';

export interface RetryOptions {
  /** Total tries per operation, the first included (default 8). */
  maxAttempts?: number;
  /** Cap of the first backoff wait (default 500 ms); doubles per retry. */
  baseDelayMs?: number;
  /** Upper bound of any single wait (default 30 s). */
  maxDelayMs?: number;
  /** Injected for tests. */
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  logger?: Logger;
}

const defaultSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** The wait before retry number `retry` (0-based): uniform in [0, min(max, base * 2^retry)]. */
export function backoffDelay(retry: number, baseDelayMs: number, maxDelayMs: number, random: () => number): number {
  const cap = Math.min(maxDelayMs, baseDelayMs * 2 ** retry);
  return Math.floor(random() * cap);
}

export class RetryBackend implements Backend {
  readonly inner: Backend;
  private readonly maxAttempts: number;
  private readonly baseDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly random: () => number;
  private readonly logger: Logger;

  constructor(inner: Backend, options: RetryOptions = {}) {
    this.inner = inner;
    this.maxAttempts = Math.max(1, options.maxAttempts ?? 8);
    this.baseDelayMs = options.baseDelayMs ?? 500;
    this.maxDelayMs = options.maxDelayMs ?? 30_000;
    this.sleep = options.sleep ?? defaultSleep;
    this.random = options.random ?? Math.random;
    this.logger = options.logger ?? silentLogger;
  }

  location(): string {
    return this.inner.location();
  }

  exists(): Promise<boolean> {
    return this.retry('exists', () => this.inner.exists());
  }

  create(): Promise<void> {
    return this.retry('create', () => this.inner.create());
  }

  save(handle: FileHandle, data: Uint8Array): Promise<void> {
    return this.retry('save', () => this.inner.save(handle, data));
  }

  load(handle: FileHandle, offset?: number, length?: number): Promise<Buffer> {
    return this.retry('load', () => this.inner.load(handle, offset, length));
  }

  stat(handle: FileHandle): Promise<FileInfo> {
    return this.retry('stat', () => this.inner.stat(handle));
  }

  async remove(handle: FileHandle): Promise<void> {
    let retried = false;
    try {
      await this.retry('remove', () => this.inner.remove(handle), () => {
        retried = true;
      });
    } catch (err) {
      // After a failed attempt whose answer was lost, the file may already be gone:
      // that remove succeeded, so "not found" on a retry is success.
      if (retried && isBackupError(err) && err.kind === 'not-found') return;
      throw err;
    }
  }

  list(type: FileType): Promise<FileInfo[]> {
    return this.retry('list', () => this.inner.list(type));
  }

  close(): Promise<void> {
    return this.inner.close();
  }

  private async retry<T>(operation: string, run: () => Promise<T>, onRetry?: () => void): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await run();
      } catch (err) {
        if (!isBackupError(err) || err.kind !== 'transient') throw err;
        if (attempt >= this.maxAttempts) {
          throw new BackupError('transient', `${err.message} (gave up after ${attempt} attempts)`, { cause: err });
        }
        const delay = backoffDelay(attempt - 1, this.baseDelayMs, this.maxDelayMs, this.random);
        this.logger.log('warn', `${operation} on ${this.inner.location()} failed, retrying in ${delay} ms`, { attempt, error: err.message });
        onRetry?.();
        await this.sleep(delay);
      }
    }
  }
}
