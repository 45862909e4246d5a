/**
 * A separate-process trading writer (the same transactions as
 * trading-writer.ts, keeping trading-db.ts's invariant) that also logs every
 * commit: its trade id and the wall-clock times just before it began and just
 * after it returned. A point-in-time restore is then judged by this log: a
 * commit that returned before T (less the replication interval) must be in a
 * restore at T, and one that began after T must not.
 *
 *   node --import tsx test/support/commit-log-writer.ts <db> <log> [rate] [checkpoint-mode checkpoint-every-ms]
 *
 * Log lines: `<trade id> <began ms> <returned ms>` (epoch milliseconds with a
 * fraction). Lines are buffered and appended every 50 ms, so a writer killed
 * with SIGKILL loses at most the last 50 ms of its log (never of its
 * database). Prints {"ready":true}, then on SIGTERM one JSON line of stats.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { appendFileSync, readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { openTradingConnection, percentile, SYMBOLS } from './trading-db.ts';
import type { WriterStats } from './trading-writer.ts';

export interface CommitLogEntry {
  id: number;
  /** Epoch ms just before the transaction began. */
  beganMs: number;
  /** Epoch ms just after the commit returned. */
  returnedMs: number;
}

export interface CommitLogWriterOptions {
  rate?: number;
  /** The writer runs its own checkpoints of this mode every `everyMs` (a trading process may). */
  checkpoint?: { mode: 'PASSIVE' | 'TRUNCATE'; everyMs: number };
}

export interface RunningCommitLogWriter {
  child: ChildProcess;
  logPath: string;
  /** Sends SIGTERM and resolves with the writer's stats (after the log is flushed). */
  stop(): Promise<WriterStats & { checkpoints: number; busyCheckpoints: number }>;
}

/** Spawns the writer and waits until it is committing. */
export async function startCommitLogWriter(dbPath: string, logPath: string, opts: CommitLogWriterOptions = {}): Promise<RunningCommitLogWriter> {
  const args = [fileURLToPath(import.meta.url), dbPath, logPath, String(opts.rate ?? 1000)];
  if (opts.checkpoint) args.push(opts.checkpoint.mode, String(opts.checkpoint.everyMs));
  const child = spawn(process.execPath, ['--import', 'tsx', ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout! });
  const queued: unknown[] = [];
  const waiters: ((m: unknown) => void)[] = [];
  lines.on('line', (line) => {
    const msg: unknown = JSON.parse(line);
    const waiter = waiters.shift();
    if (waiter) waiter(msg);
    else queued.push(msg);
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const next = () =>
    new Promise<unknown>((resolve, reject) => {
      if (queued.length > 0) return resolve(queued.shift());
      waiters.push(resolve);
      void exited.then((code) => reject(new Error(`commit-log writer exited with code ${code}`)));
    });
  await next();
  return {
    child,
    logPath,
    async stop() {
      const stats = next();
      child.kill('SIGTERM');
      const result = (await stats) as WriterStats & { checkpoints: number; busyCheckpoints: number };
      await exited;
      return result;
    },
  };
}

export function readCommitLog(logPath: string): CommitLogEntry[] {
  const entries: CommitLogEntry[] = [];
  for (const line of readFileSync(logPath, 'utf8').split('\n')) {
    if (line === '') continue;
    const [id, began, returned] = line.split(' ').map(Number);
    if (id === undefined || began === undefined || returned === undefined || [id, began, returned].some(Number.isNaN)) {
      throw new Error(`bad commit log line: ${JSON.stringify(line)}`);
    }
    entries.push({ id, beganMs: began, returnedMs: returned });
  }
  return entries;
}

/** Wall-clock ms with sub-millisecond resolution (Date.now() alone is too coarse at 1000 tx/s). */
function wallMs(): number {
  return performance.timeOrigin + performance.now();
}

function runWriter(dbPath: string, logPath: string, rate: number, checkpoint: CommitLogWriterOptions['checkpoint']): void {
  const { db, accounts, trade } = openTradingConnection(dbPath);

  const latencies: number[] = [];
  let pending: string[] = [];
  let commits = 0;
  let errors = 0;
  let checkpoints = 0;
  let busyCheckpoints = 0;
  const flush = () => {
    if (pending.length === 0) return;
    appendFileSync(logPath, pending.join(''));
    pending = [];
  };
  const started = performance.now();
  const tick = () => {
    const due = Math.floor(((performance.now() - started) / 1000) * rate) - commits - errors;
    // Catch up after a stall, but in bounded bursts so SIGTERM is handled promptly.
    for (let i = 0; i < Math.min(due, 200); i++) {
      const account = 1 + Math.floor(Math.random() * accounts);
      const symbol = SYMBOLS[Math.floor(Math.random() * SYMBOLS.length)] ?? 'SPY';
      const qty = (Math.floor(Math.random() * 100) + 1) * (Math.random() < 0.5 ? -1 : 1);
      const began = wallMs();
      const t0 = performance.now();
      try {
        const id = trade(account, symbol, qty, 100 + Math.random() * 50);
        latencies.push(performance.now() - t0);
        pending.push(`${id} ${began.toFixed(3)} ${wallMs().toFixed(3)}\n`);
        commits++;
      } catch (err) {
        errors++;
        process.stderr.write(`commit-log writer: ${(err as Error).message}\n`);
      }
    }
  };
  const timer = setInterval(tick, 2);
  const flusher = setInterval(flush, 50);
  const checkpointer = checkpoint
    ? setInterval(() => {
        // busy=1 means the checkpoint could not finish (a reader pins the WAL): counted, not an error.
        const [row] = db.pragma(`wal_checkpoint(${checkpoint.mode})`) as { busy: number }[];
        checkpoints++;
        if (row && row.busy !== 0) busyCheckpoints++;
      }, checkpoint.everyMs)
    : null;
  process.on('SIGTERM', () => {
    clearInterval(timer);
    clearInterval(flusher);
    if (checkpointer) clearInterval(checkpointer);
    flush();
    db.close();
    const sorted = latencies.sort((a, b) => a - b);
    const stats = {
      commits,
      errors,
      p50Ms: percentile(sorted, 50),
      p99Ms: percentile(sorted, 99),
      maxMs: sorted[sorted.length - 1] ?? 0,
      seconds: (performance.now() - started) / 1000,
      checkpoints,
      busyCheckpoints,
    };
    process.stdout.write(`${JSON.stringify(stats)}\n`, () => process.exit(0));
  });
  process.stdout.write(`${JSON.stringify({ ready: true })}\n`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [dbPath, logPath, rate, mode, everyMs] = process.argv.slice(2);
  if (!dbPath || !logPath || (mode !== undefined && mode !== 'PASSIVE' && mode !== 'TRUNCATE')) {
    process.stderr.write('usage: commit-log-writer.ts <db> <log> [transactions-per-second] [PASSIVE|TRUNCATE every-ms]\n');
    process.exit(2);
  }
  runWriter(dbPath, logPath, Number(rate ?? 1000), mode ? { mode, everyMs: Number(everyMs ?? 1000) } : undefined);
}
