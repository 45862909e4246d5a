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
import type { ChildProcess } from 'node:child_process';
import { appendFileSync, readFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { serveJsonLines, startJsonLineChild } from './json-line-child.ts';
import { startTradeLoop, wallMs, type WriterStats } from './trade-loop.ts';
import { openTradingConnection } from './trading-db.ts';

type CommitLogStats = WriterStats & { checkpoints: number; busyCheckpoints: number };

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
  stop(): Promise<CommitLogStats>;
}

/** Spawns the writer and waits until it is committing. */
export async function startCommitLogWriter(dbPath: string, logPath: string, opts: CommitLogWriterOptions = {}): Promise<RunningCommitLogWriter> {
  const args = [dbPath, logPath, String(opts.rate ?? 1000)];
  if (opts.checkpoint) args.push(opts.checkpoint.mode, String(opts.checkpoint.everyMs));
  const writer = await startJsonLineChild<CommitLogStats>(fileURLToPath(import.meta.url), args, 'commit-log writer');
  return { ...writer, logPath };
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

function runWriter(dbPath: string, logPath: string, rate: number, checkpoint: CommitLogWriterOptions['checkpoint']): void {
  const { db, accounts, trade } = openTradingConnection(dbPath);

  let pending: string[] = [];
  let checkpoints = 0;
  let busyCheckpoints = 0;
  const flush = () => {
    if (pending.length === 0) return;
    appendFileSync(logPath, pending.join(''));
    pending = [];
  };
  const loop = startTradeLoop({
    trade, accounts, rate, label: 'commit-log writer',
    onCommit: (id, began) => pending.push(`${id} ${began.toFixed(3)} ${wallMs().toFixed(3)}\n`),
  });
  const flusher = setInterval(flush, 50);
  const checkpointer = checkpoint
    ? setInterval(() => {
        // busy=1 means the checkpoint could not finish (a reader pins the WAL): counted, not an error.
        const [row] = db.pragma(`wal_checkpoint(${checkpoint.mode})`) as { busy: number }[];
        checkpoints++;
        if (row && row.busy !== 0) busyCheckpoints++;
      }, checkpoint.everyMs)
    : null;
  serveJsonLines((): CommitLogStats => {
    const stats = loop.stop();
    clearInterval(flusher);
    if (checkpointer) clearInterval(checkpointer);
    flush();
    db.close();
    return { ...stats, checkpoints, busyCheckpoints };
  });
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [dbPath, logPath, rate, mode, everyMs] = process.argv.slice(2);
  if (!dbPath || !logPath || (mode !== undefined && mode !== 'PASSIVE' && mode !== 'TRUNCATE')) {
    process.stderr.write('usage: commit-log-writer.ts <db> <log> [transactions-per-second] [PASSIVE|TRUNCATE every-ms]\n');
    process.exit(2);
  }
  runWriter(dbPath, logPath, Number(rate ?? 1000), mode ? { mode, everyMs: Number(everyMs ?? 1000) } : undefined);
}
