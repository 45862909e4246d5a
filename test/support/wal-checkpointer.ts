/**
 * A separate process that runs `PRAGMA wal_checkpoint(<mode>)` on a database
 * every `everyMs`, as a trading process with its own checkpoint policy might.
 *
 *   node --import tsx test/support/wal-checkpointer.ts <db> <mode> <everyMs>
 *
 * Prints {"ready":true}, and on SIGTERM {"runs","busy","completed"}: how many
 * checkpoints ran, returned busy, and copied every frame (a TRUNCATE that
 * completed reset the WAL).
 */
import { fileURLToPath, pathToFileURL } from 'node:url';
import Database from 'better-sqlite3';
import { serveJsonLines, startJsonLineChild } from './json-line-child.ts';

export interface CheckpointerStats {
  runs: number;
  busy: number;
  completed: number;
}

export async function startCheckpointer(dbPath: string, mode: 'PASSIVE' | 'TRUNCATE', everyMs: number): Promise<{ stop(): Promise<CheckpointerStats> }> {
  return startJsonLineChild<CheckpointerStats>(fileURLToPath(import.meta.url), [dbPath, mode, String(everyMs)], 'WAL checkpointer');
}

function run(dbPath: string, mode: string, everyMs: number): void {
  const db = new Database(dbPath, { fileMustExist: true, timeout: 5000 });
  const stats: CheckpointerStats = { runs: 0, busy: 0, completed: 0 };
  const timer = setInterval(() => {
    const row = (db.pragma(`wal_checkpoint(${mode})`) as { busy: number; log: number; checkpointed: number }[])[0]!;
    stats.runs++;
    if (row.busy) stats.busy++;
    else if (row.log === row.checkpointed) stats.completed++;
  }, everyMs);
  serveJsonLines(() => {
    clearInterval(timer);
    db.close();
    return stats;
  });
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [dbPath, mode, everyMs] = process.argv.slice(2);
  run(dbPath!, mode === 'TRUNCATE' ? 'TRUNCATE' : 'PASSIVE', Number(everyMs ?? 500));
}
