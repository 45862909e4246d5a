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
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath, pathToFileURL } from 'node:url';
import Database from 'better-sqlite3';

export interface CheckpointerStats {
  runs: number;
  busy: number;
  completed: number;
}

export async function startCheckpointer(dbPath: string, mode: 'PASSIVE' | 'TRUNCATE', everyMs: number): Promise<{ stop(): Promise<CheckpointerStats> }> {
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), dbPath, mode, String(everyMs)], { stdio: ['ignore', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout });
  const iterator = lines[Symbol.asyncIterator]();
  await iterator.next(); // {"ready":true}
  return {
    async stop() {
      child.kill('SIGTERM');
      const line = await iterator.next();
      return JSON.parse(String(line.value)) as CheckpointerStats;
    },
  };
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
  process.on('SIGTERM', () => {
    clearInterval(timer);
    db.close();
    process.stdout.write(`${JSON.stringify(stats)}\n`, () => process.exit(0));
  });
  process.stdout.write(`${JSON.stringify({ ready: true })}\n`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [dbPath, mode, everyMs] = process.argv.slice(2);
  run(dbPath!, mode === 'TRUNCATE' ? 'TRUNCATE' : 'PASSIVE', Number(everyMs ?? 500));
}
