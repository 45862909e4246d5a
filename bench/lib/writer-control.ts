/**
 * Drives the trading writer (test/support/trading-writer.ts) for the bench:
 * one writer process per measured phase, so its latency stats cover exactly
 * that phase, and a mode that stops it after a fixed number of commits.
 */
import Database from 'better-sqlite3';
import { setTimeout as sleep } from 'node:timers/promises';
import { startTradingWriter } from '../../test/support/trading-writer.ts';
import type { WriterStats } from '../../test/support/trading-writer.ts';
import { BackupError } from '../../main/engine/errors.ts';

export interface UnderWriter<T> {
  value: T;
  writer: WriterStats;
}

/** Runs `work` while the writer commits at `rate` tx/s; the writer starts before and stops right after. */
export async function underWriter<T>(dbPath: string, rate: number, work: () => Promise<T>): Promise<UnderWriter<T>> {
  const writer = await startTradingWriter(dbPath, rate);
  let value: T;
  try {
    value = await work();
  } catch (err) {
    // Stopped on failure too: a stray writer would skew every later phase.
    await writer.stop();
    throw err;
  }
  const stats = await writer.stop();
  checkWriter(stats);
  return { value, writer: stats };
}

/** The writer alone for `ms`: the latency it sees when nothing else runs. */
export function baseline(dbPath: string, rate: number, ms: number): Promise<UnderWriter<void>> {
  return underWriter(dbPath, rate, () => sleep(ms));
}

/**
 * Lets the writer commit about `count` transactions, then stops it and folds
 * the WAL into the main file, so a tool that reads only the database file
 * (restic) sees every commit. Returns how many the writer really committed.
 */
export async function commitTransactions(dbPath: string, rate: number, count: number): Promise<WriterStats> {
  const writer = await startTradingWriter(dbPath, rate);
  let stats: WriterStats;
  try {
    const reader = new Database(dbPath, { readonly: true, fileMustExist: true });
    try {
      const maxId = reader.prepare('SELECT coalesce(max(id), 0) FROM trades').pluck();
      const start = maxId.get() as number;
      // Polled rather than timed, so a slow machine still gets the full count.
      while ((maxId.get() as number) - start < count) await sleep(20);
    } finally {
      // Closed before the writer stops, so the writer's close is the last one and checkpoints the WAL.
      reader.close();
    }
  } finally {
    stats = await writer.stop();
  }
  checkWriter(stats);
  checkpoint(dbPath);
  return stats;
}

/** Moves every committed page from the WAL into the database file. */
export function checkpoint(dbPath: string): void {
  const db = new Database(dbPath, { fileMustExist: true });
  try {
    db.pragma('wal_checkpoint(TRUNCATE)');
  } finally {
    db.close();
  }
}

function checkWriter(stats: WriterStats): void {
  if (stats.errors > 0) {
    throw new BackupError('permanent', `the trading writer had ${stats.errors} failed commits; the figures would not be comparable`);
  }
}
