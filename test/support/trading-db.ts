/**
 * A trading database described by a generator: tables trades, positions,
 * accounts and audit_trail, in WAL mode, with an invariant any consistent
 * copy must keep:
 *   - each position's quantity equals the sum of its trades' quantities;
 *   - every trade has exactly one audit_trail row (and no audit row is orphaned);
 *   - every (account, symbol) that traded has a position.
 * trading-writer.ts commits transactions that keep it; a torn copy breaks it.
 */
import Database from 'better-sqlite3';

export const SYMBOLS = ['AAPL', 'MSFT', 'NVDA', 'TSLA', 'AMZN', 'GOOG', 'META', 'SPY', 'QQQ', 'IWM'] as const;

/** A trade padded this much fits one 4 KiB page, so a padded table is ~one trade per page. */
export const MAX_MEMO_BYTES = 3000;
// A padded trade fills its own 4 KiB page; its audit row adds a few dozen bytes.
const APPROX_PADDED_TRADE_BYTES = 4160;

export const SCHEMA = `
  CREATE TABLE accounts (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    balance REAL NOT NULL
  );
  CREATE TABLE positions (
    id INTEGER PRIMARY KEY,
    account_id INTEGER NOT NULL REFERENCES accounts(id),
    symbol TEXT NOT NULL,
    quantity INTEGER NOT NULL,
    UNIQUE (account_id, symbol)
  );
  CREATE TABLE trades (
    id INTEGER PRIMARY KEY,
    account_id INTEGER NOT NULL REFERENCES accounts(id),
    symbol TEXT NOT NULL,
    quantity INTEGER NOT NULL,
    price REAL NOT NULL,
    ts TEXT NOT NULL,
    memo BLOB
  );
  CREATE TABLE audit_trail (
    id INTEGER PRIMARY KEY,
    trade_id INTEGER NOT NULL UNIQUE REFERENCES trades(id),
    action TEXT NOT NULL,
    at TEXT NOT NULL
  );
`;

export interface TradingDbOptions {
  accounts: number;
  /** Trades to insert (at least this many when targetBytes asks for more). */
  trades: number;
  /**
   * Grow the file to about this size: each trade gets a random memo (up to
   * MAX_MEMO_BYTES, so a trade stays within one 4 KiB page) and more trades are
   * added until the size is reached. Generated in one transaction, in SQL.
   */
  targetBytes?: number;
}

export interface TradingDbInfo {
  accounts: number;
  trades: number;
  memoBytes: number;
  sizeBytes: number;
}

export function createTradingDb(path: string, opts: TradingDbOptions): TradingDbInfo {
  if (opts.accounts < 1) throw new RangeError('accounts must be >= 1');
  const memoBytes = opts.targetBytes ? MAX_MEMO_BYTES : 64;
  const trades = opts.targetBytes ? Math.max(opts.trades, Math.ceil(opts.targetBytes / APPROX_PADDED_TRADE_BYTES)) : opts.trades;
  const db = new Database(path);
  try {
    db.pragma('journal_mode = WAL');
    db.exec(SCHEMA);
    db.transaction(() => {
      db.prepare(
        `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?)
         INSERT INTO accounts (id, name, balance) SELECT i, 'account-' || i, 1000000.0 FROM n`,
      ).run(opts.accounts);
      // Symbols are picked by a deterministic hash of the row number, so a run is reproducible.
      const symbolCase = SYMBOLS.map((s, i) => `WHEN ${i} THEN '${s}'`).join(' ');
      db.prepare(
        `WITH RECURSIVE n(i) AS (SELECT 1 WHERE ? > 0 UNION ALL SELECT i + 1 FROM n WHERE i < ?)
         INSERT INTO trades (id, account_id, symbol, quantity, price, ts, memo)
         SELECT i, 1 + (i * 7919) % ?, CASE (i * 104729) % ${SYMBOLS.length} ${symbolCase} END,
                ((i * 31337) % 201) - 100, 100.0 + (i % 500) / 10.0,
                strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), randomblob(?)
         FROM n`,
      ).run(trades, trades, opts.accounts, memoBytes);
      db.exec(`INSERT INTO audit_trail (trade_id, action, at) SELECT id, 'fill', ts FROM trades ORDER BY id`);
      db.exec(`INSERT INTO positions (account_id, symbol, quantity)
               SELECT account_id, symbol, sum(quantity) FROM trades GROUP BY account_id, symbol`);
    })();
    // Leave the data in the main file, as a long-running trading process would most of the time.
    db.pragma('wal_checkpoint(TRUNCATE)');
    const sizeBytes = (db.pragma('page_count', { simple: true }) as number) * (db.pragma('page_size', { simple: true }) as number);
    return { accounts: opts.accounts, trades, memoBytes, sizeBytes };
  } finally {
    db.close();
  }
}

export interface InvariantReport {
  ok: boolean;
  violations: string[];
  counts: { trades: number; positions: number; accounts: number; audit_trail: number };
}

/** Checks the invariant on a database file (opened read-only). */
export function checkInvariant(dbPath: string): InvariantReport {
  const db = new Database(dbPath, { readonly: true, fileMustExist: true });
  try {
    return db.transaction(() => {
      const violations: string[] = [];
      const wrongPositions = db.prepare(
        `SELECT p.account_id, p.symbol, p.quantity, coalesce(t.total, 0) AS total
         FROM positions p LEFT JOIN (
           SELECT account_id, symbol, sum(quantity) AS total FROM trades GROUP BY account_id, symbol
         ) t ON t.account_id = p.account_id AND t.symbol = p.symbol
         WHERE p.quantity != coalesce(t.total, 0) LIMIT 5`,
      ).all() as { account_id: number; symbol: string; quantity: number; total: number }[];
      for (const r of wrongPositions) {
        violations.push(`position ${r.account_id}/${r.symbol} holds ${r.quantity} but its trades sum to ${r.total}`);
      }
      const missingPositions = db.prepare(
        `SELECT count(*) FROM (SELECT DISTINCT account_id, symbol FROM trades) t
         WHERE NOT EXISTS (SELECT 1 FROM positions p WHERE p.account_id = t.account_id AND p.symbol = t.symbol)`,
      ).pluck().get() as number;
      if (missingPositions > 0) violations.push(`${missingPositions} traded (account, symbol) pairs have no position`);
      const unaudited = db.prepare(
        'SELECT count(*) FROM trades t WHERE NOT EXISTS (SELECT 1 FROM audit_trail a WHERE a.trade_id = t.id)',
      ).pluck().get() as number;
      if (unaudited > 0) violations.push(`${unaudited} trades have no audit_trail row`);
      const orphaned = db.prepare(
        'SELECT count(*) FROM audit_trail a WHERE NOT EXISTS (SELECT 1 FROM trades t WHERE t.id = a.trade_id)',
      ).pluck().get() as number;
      if (orphaned > 0) violations.push(`${orphaned} audit_trail rows name no trade`);
      const count = (table: string) => db.prepare(`SELECT count(*) FROM ${table}`).pluck().get() as number;
      const counts = {
        trades: count('trades'),
        positions: count('positions'),
        accounts: count('accounts'),
        audit_trail: count('audit_trail'),
      };
      if (counts.audit_trail !== counts.trades) violations.push(`${counts.trades} trades but ${counts.audit_trail} audit rows`);
      return { ok: violations.length === 0, violations, counts };
    })();
  } finally {
    db.close();
  }
}

/**
 * The trading process's connection as the writers in test/support use it: WAL,
 * busy_timeout 5000, and one transaction per trade that keeps the invariant
 * (the trade, its audit row, the position and the balance change together).
 */
export function openTradingConnection(dbPath: string): { db: Database.Database; accounts: number; trade: (account: number, symbol: string, qty: number, price: number) => number } {
  const db = new Database(dbPath, { fileMustExist: true, timeout: 5000 });
  db.pragma('journal_mode = WAL');
  db.pragma('busy_timeout = 5000');
  db.pragma('synchronous = NORMAL');
  const accounts = db.prepare('SELECT count(*) FROM accounts').pluck().get() as number;
  const insertTrade = db.prepare(
    "INSERT INTO trades (account_id, symbol, quantity, price, ts, memo) VALUES (?, ?, ?, ?, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), randomblob(64))",
  );
  const insertAudit = db.prepare("INSERT INTO audit_trail (trade_id, action, at) VALUES (?, 'fill', strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))");
  const upsertPosition = db.prepare(
    `INSERT INTO positions (account_id, symbol, quantity) VALUES (?, ?, ?)
     ON CONFLICT (account_id, symbol) DO UPDATE SET quantity = quantity + excluded.quantity`,
  );
  const updateBalance = db.prepare('UPDATE accounts SET balance = balance - ? WHERE id = ?');
  const trade = db.transaction((account: number, symbol: string, qty: number, price: number): number => {
    const { lastInsertRowid } = insertTrade.run(account, symbol, qty, price);
    insertAudit.run(lastInsertRowid);
    upsertPosition.run(account, symbol, qty);
    updateBalance.run(qty * price, account);
    return Number(lastInsertRowid);
  });
  return { db, accounts, trade };
}

/** The p-th percentile of an ascending list (0 for an empty one). */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}
