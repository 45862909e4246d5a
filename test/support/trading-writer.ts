/**
 * A separate-process writer for a trading database (trading-db.ts): commits
 * about `rate` transactions a second, each keeping the invariant (a trade, its
 * audit row, its position and the account balance change together).
 *
 *   node --import tsx test/support/trading-writer.ts <db> [rate]
 *
 * Prints {"ready":true} once writing, and on SIGTERM one JSON line of stats
 * ({commits, errors, p50Ms, p99Ms, maxMs, seconds}) before it exits.
 * Tests start it with startTradingWriter().
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { openTradingConnection, percentile, SYMBOLS } from './trading-db.ts';

export interface WriterStats {
  commits: number;
  errors: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  seconds: number;
}

export interface RunningWriter {
  child: ChildProcess;
  /** Sends SIGTERM and resolves with the writer's stats. */
  stop(): Promise<WriterStats>;
}

/** Spawns the writer as a child process and waits until it is committing. */
export async function startTradingWriter(dbPath: string, rate = 1000): Promise<RunningWriter> {
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), dbPath, String(rate)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout! });
  const messages: unknown[] = [];
  const waiters: ((m: unknown) => void)[] = [];
  lines.on('line', (line) => {
    const msg: unknown = JSON.parse(line);
    const waiter = waiters.shift();
    if (waiter) waiter(msg);
    else messages.push(msg);
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const next = () =>
    new Promise<unknown>((resolve, reject) => {
      const queued = messages.shift();
      if (queued !== undefined) return resolve(queued);
      waiters.push(resolve);
      void exited.then((code) => reject(new Error(`trading writer exited with code ${code}`)));
    });
  await next();
  return {
    child,
    async stop() {
      const stats = next();
      child.kill('SIGTERM');
      const result = (await stats) as WriterStats;
      await exited;
      return result;
    },
  };
}

function runWriter(dbPath: string, rate: number): void {
  const { db, accounts, trade } = openTradingConnection(dbPath);

  const latencies: number[] = [];
  let commits = 0;
  let errors = 0;
  const started = performance.now();
  const tick = () => {
    const due = Math.floor(((performance.now() - started) / 1000) * rate) - commits - errors;
    // Catch up after a stall, but in bounded bursts so SIGTERM is handled promptly.
    for (let i = 0; i < Math.min(due, 200); i++) {
      const account = 1 + Math.floor(Math.random() * accounts);
      const symbol = SYMBOLS[Math.floor(Math.random() * SYMBOLS.length)] ?? 'SPY';
      const qty = (Math.floor(Math.random() * 100) + 1) * (Math.random() < 0.5 ? -1 : 1);
      const t0 = performance.now();
      try {
        trade(account, symbol, qty, 100 + Math.random() * 50);
        commits++;
        latencies.push(performance.now() - t0);
      } catch (err) {
        errors++;
        process.stderr.write(`trading writer: ${(err as Error).message}\n`);
      }
    }
  };
  const timer = setInterval(tick, 2);
  process.on('SIGTERM', () => {
    clearInterval(timer);
    db.close();
    const sorted = latencies.sort((a, b) => a - b);
    const stats: WriterStats = {
      commits,
      errors,
      p50Ms: percentile(sorted, 50),
      p99Ms: percentile(sorted, 99),
      maxMs: sorted[sorted.length - 1] ?? 0,
      seconds: (performance.now() - started) / 1000,
    };
    process.stdout.write(`${JSON.stringify(stats)}\n`, () => process.exit(0));
  });
  process.stdout.write(`${JSON.stringify({ ready: true })}\n`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [dbPath, rate] = process.argv.slice(2);
  if (!dbPath) {
    process.stderr.write('usage: trading-writer.ts <db> [transactions-per-second]\n');
    process.exit(2);
  }
  runWriter(dbPath, Number(rate ?? 1000));
}
