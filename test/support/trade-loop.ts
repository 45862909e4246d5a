/**
 * The trading process's write loop, shared by the writer processes in
 * test/support: about `rate` random trades a second on a connection from
 * openTradingConnection(), each one transaction that keeps the invariant,
 * with commit latencies kept for the stats.
 */
import { percentile, SYMBOLS } from './trading-db.ts';

export interface WriterStats {
  commits: number;
  errors: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  seconds: number;
}

export interface TradeLoopOptions {
  /** Commits the trade in one transaction and returns its id (openTradingConnection's `trade`). */
  trade: (account: number, symbol: string, qty: number, price: number) => number;
  /** Accounts 1..accounts exist. */
  accounts: number;
  rate: number;
  /** Names the writer in its stderr lines. */
  label: string;
  /** Called after each commit with the trade id and the wall-clock ms just before it began. */
  onCommit?: (id: number, beganMs: number) => void;
}

/** Wall-clock ms with sub-millisecond resolution (Date.now() alone is too coarse at 1000 tx/s). */
export function wallMs(): number {
  return performance.timeOrigin + performance.now();
}

/** Starts committing; stop() ends the loop and returns its stats. */
export function startTradeLoop(opts: TradeLoopOptions): { stop(): WriterStats } {
  const { trade, accounts, rate, label, onCommit } = opts;
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
      const began = wallMs();
      const t0 = performance.now();
      try {
        const id = trade(account, symbol, qty, 100 + Math.random() * 50);
        latencies.push(performance.now() - t0);
        commits++;
        onCommit?.(id, began);
      } catch (err) {
        errors++;
        process.stderr.write(`${label}: ${(err as Error).message}\n`);
      }
    }
  };
  const timer = setInterval(tick, 2);
  return {
    stop() {
      clearInterval(timer);
      const sorted = latencies.sort((a, b) => a - b);
      return {
        commits,
        errors,
        p50Ms: percentile(sorted, 50),
        p99Ms: percentile(sorted, 99),
        maxMs: sorted[sorted.length - 1] ?? 0,
        seconds: (performance.now() - started) / 1000,
      };
    },
  };
}
