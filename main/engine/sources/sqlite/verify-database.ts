/**
 * Checks that a copy of a database is one we can count on: SQLite's own
 * consistency check, the tables the trading system needs, their row counts,
 * the page geometry and a SHA-256 of the bytes. Synchronous and slow on large
 * files: call it from a worker thread (copy-worker.ts, verify-worker.ts).
 */
import { createHash } from 'node:crypto';
import { closeSync, openSync, readSync } from 'node:fs';
import Database from 'better-sqlite3';
import { BackupError } from '../../errors.ts';
import { sqliteErrorToBackupError } from './sqlite-errors.ts';

export type CheckPragma = 'quick_check' | 'integrity_check';

export interface VerifyOptions {
  requiredTables: readonly string[];
  check: CheckPragma;
  /** What to call the database in messages (the user's path, not a temp copy's). */
  label: string;
}

export interface DatabaseVerification {
  check: CheckPragma;
  /** 'ok' (anything else is thrown). */
  result: 'ok';
  /** Row count of each required table. */
  tables: Record<string, number>;
  pageSize: number;
  pageCount: number;
  size: number;
  sha256: string;
}

export function verifyDatabaseFile(path: string, opts: VerifyOptions): DatabaseVerification {
  let db: Database.Database;
  try {
    db = new Database(path, { readonly: true, fileMustExist: true });
  } catch (err) {
    throw sqliteErrorToBackupError(err, opts.label);
  }
  let pageSize: number;
  let pageCount: number;
  const tables: Record<string, number> = {};
  try {
    const rows = db.pragma(opts.check) as Record<string, string>[];
    const messages = rows.map((r) => Object.values(r)[0] ?? '');
    if (messages.length !== 1 || messages[0] !== 'ok') {
      throw new BackupError(
        'permanent',
        `${opts.label} failed ${opts.check}: ${messages.slice(0, 3).join('; ')}; the database is damaged, repair it or restore an earlier snapshot`,
      );
    }
    const existing = new Set(
      (db.prepare("SELECT name FROM sqlite_schema WHERE type = 'table'").pluck().all() as string[]).map((n) => n.toLowerCase()),
    );
    for (const table of opts.requiredTables) {
      if (!existing.has(table.toLowerCase())) {
        throw new BackupError(
          'permanent',
          `${opts.label} has no table '${table}'; check the database path, or the required tables in the configuration`,
        );
      }
      tables[table] = db.prepare(`SELECT count(*) FROM ${quoteIdentifier(table)}`).pluck().get() as number;
    }
    pageSize = db.pragma('page_size', { simple: true }) as number;
    pageCount = db.pragma('page_count', { simple: true }) as number;
  } catch (err) {
    throw sqliteErrorToBackupError(err, opts.label);
  } finally {
    db.close();
  }
  const { size, sha256 } = hashFile(path);
  return { check: opts.check, result: 'ok', tables, pageSize, pageCount, size, sha256 };
}

function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** SHA-256 and size of a file, read in 4 MiB blocks (synchronous: worker only). */
export function hashFile(path: string): { size: number; sha256: string } {
  const hash = createHash('sha256');
  const buf = Buffer.allocUnsafe(4 * 1024 * 1024);
  const fd = openSync(path, 'r');
  let size = 0;
  try {
    for (;;) {
      const n = readSync(fd, buf, 0, buf.length, null);
      if (n === 0) break;
      hash.update(buf.subarray(0, n));
      size += n;
    }
  } finally {
    closeSync(fd);
  }
  return { size, sha256: hash.digest('hex') };
}
