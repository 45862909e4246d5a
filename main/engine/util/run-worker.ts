/**
 * Runs one job on a worker thread, so blocking work (a single-step SQLite
 * backup, an integrity check) never stalls the calling thread, which may be
 * the Electron main process.
 *
 * This file is the one place that knows how a worker loads its code. From
 * the sources, a worker starts from worker-bootstrap.mjs, which registers tsx
 * and then imports the `.ts` entry module. In a bundled build (the desktop app,
 * `npm run build`) the sources are not shipped: the build writes each worker
 * entry as a `.js` bundle beside the main bundle, and that file starts directly.
 * An entry module calls serveWorkerJob(handler).
 *
 * Errors cross the thread boundary as {kind, message} and are rethrown as
 * BackupError, so callers see the same error kinds as in-thread code.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { BackupError, isBackupError } from '../errors.ts';
import type { ErrorKind } from '../errors.ts';

const BOOTSTRAP = new URL('./worker-bootstrap.mjs', import.meta.url);

type WorkerMessage =
  | { type: 'progress'; value: unknown }
  | { type: 'result'; value: unknown }
  | { type: 'error'; kind: ErrorKind; message: string };

export interface RunWorkerOptions {
  signal?: AbortSignal;
  /** Receives whatever the job passes to its `progress` callback. */
  onProgress?: (value: unknown) => void;
}

/** The `.ts` entry through tsx where the sources are; its bundled `.js` sibling where they are not. */
function startWorker(entry: URL, input: unknown): Worker {
  if (entry.protocol === 'file:' && entry.pathname.endsWith('.ts') && !existsSync(fileURLToPath(entry))) {
    const bundled = new URL(entry.href.replace(/\.ts$/, '.js'));
    if (existsSync(fileURLToPath(bundled))) return new Worker(bundled, { workerData: { entry: bundled.href, input } });
  }
  return new Worker(BOOTSTRAP, { workerData: { entry: entry.href, input } });
}

/**
 * Starts `entry` (a module URL, usually `new URL('./x-worker.ts', import.meta.url)`)
 * on a worker thread with `input`, and resolves with the job's result. On abort
 * the worker is terminated and waited for before the promise rejects, so the
 * caller can safely clean up files the job was writing.
 */
export function runWorker<TResult>(entry: URL, input: unknown, opts: RunWorkerOptions = {}): Promise<TResult> {
  const { signal, onProgress } = opts;
  if (signal?.aborted) return Promise.reject(cancelled(signal));
  return new Promise<TResult>((resolve, reject) => {
    const worker = startWorker(entry, input);
    let settled: { ok: true; value: TResult } | { ok: false; error: Error } | null = null;

    const onAbort = () => {
      settled ??= { ok: false, error: cancelled(signal) };
      // terminate() resolves once the thread is gone; 'exit' then settles the promise.
      void worker.terminate();
    };
    signal?.addEventListener('abort', onAbort, { once: true });

    worker.on('message', (msg: WorkerMessage) => {
      if (msg.type === 'progress') {
        onProgress?.(msg.value);
        return;
      }
      if (msg.type === 'result') settled ??= { ok: true, value: msg.value as TResult };
      else settled ??= { ok: false, error: new BackupError(msg.kind, msg.message) };
      // The job is over; do not wait for handles it may have left open.
      void worker.terminate();
    });
    worker.on('error', (err) => {
      settled ??= { ok: false, error: new BackupError('fatal', `a worker thread crashed: ${err.message}`, { cause: err }) };
    });
    // Settle only on exit: the thread has then stopped touching any files.
    worker.on('exit', (code) => {
      signal?.removeEventListener('abort', onAbort);
      const outcome = settled ?? {
        ok: false as const,
        error: new BackupError('transient', `a worker thread stopped unexpectedly (exit code ${code}); try again`),
      };
      if (outcome.ok) resolve(outcome.value);
      else reject(outcome.error);
    });
  });
}

function cancelled(signal: AbortSignal | undefined): BackupError {
  return new BackupError('permanent', 'the operation was cancelled', { cause: signal?.reason });
}

/**
 * Called by a worker entry module: runs `handler` on the input runWorker()
 * passed and reports its result or error back to the caller.
 */
export function serveWorkerJob<TInput, TResult>(
  handler: (input: TInput, progress: (value: unknown) => void) => Promise<TResult> | TResult,
): void {
  if (isMainThread || !parentPort) throw new Error('serveWorkerJob() must run inside a worker started by runWorker()');
  const port = parentPort;
  const post = (msg: WorkerMessage) => port.postMessage(msg);
  const input = (workerData as { input: TInput }).input;
  Promise.resolve()
    .then(() => handler(input, (value) => post({ type: 'progress', value })))
    .then(
      (value) => post({ type: 'result', value }),
      (err: unknown) => {
        if (isBackupError(err)) post({ type: 'error', kind: err.kind, message: err.message });
        else post({ type: 'error', kind: 'fatal', message: err instanceof Error ? err.message : String(err) });
      },
    );
}
