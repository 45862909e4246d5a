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
import type { ChildProcess } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { serveJsonLines, startJsonLineChild } from './json-line-child.ts';
import { startTradeLoop, type WriterStats } from './trade-loop.ts';
import { openTradingConnection } from './trading-db.ts';

export type { WriterStats } from './trade-loop.ts';

export interface RunningWriter {
  child: ChildProcess;
  /** Sends SIGTERM and resolves with the writer's stats. */
  stop(): Promise<WriterStats>;
}

/** Spawns the writer as a child process and waits until it is committing. */
export async function startTradingWriter(dbPath: string, rate = 1000): Promise<RunningWriter> {
  return startJsonLineChild<WriterStats>(fileURLToPath(import.meta.url), [dbPath, String(rate)], 'trading writer');
}

function runWriter(dbPath: string, rate: number): void {
  const { db, accounts, trade } = openTradingConnection(dbPath);
  const loop = startTradeLoop({ trade, accounts, rate, label: 'trading writer' });
  serveJsonLines(() => {
    const stats = loop.stop();
    db.close();
    return stats;
  });
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [dbPath, rate] = process.argv.slice(2);
  if (!dbPath) {
    process.stderr.write('usage: trading-writer.ts <db> [transactions-per-second]\n');
    process.exit(2);
  }
  runWriter(dbPath, Number(rate ?? 1000));
}
