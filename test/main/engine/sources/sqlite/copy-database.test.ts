import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { BackupError } from '../../../../../main/engine/errors.ts';
import { copyDatabase } from '../../../../../main/engine/sources/sqlite/copy-database.ts';
import { tempDir } from '../../../../support/temp-dir.ts';
import { requireTool } from '../../../../support/tools.ts';
import { checkInvariant, createTradingDb } from '../../../../support/trading-db.ts';
import { startTradingWriter } from '../../../../support/trading-writer.ts';

test('copies a live database consistently while another process commits, without blocking the caller', async (t) => {
  const sqlite3 = requireTool(t, 'sqlite3');
  if (!sqlite3) return;
  const dir = tempDir(t);
  const dbPath = join(dir, 'trading.db');
  const tmpDir = join(dir, 'tmp');
  const created = createTradingDb(dbPath, { accounts: 20, trades: 2000, targetBytes: 40e6 });
  const writer = await startTradingWriter(dbPath, 1000);
  t.after(() => writer.child.kill('SIGKILL'));

  let lastTrades = created.trades;
  let maxGapMs = 0;
  for (let i = 0; i < 3; i++) {
    await new Promise((r) => setTimeout(r, 700));
    // Count timer ticks on this thread while the copy runs: a copy on this thread would allow
    // one or two; a busy 2-core machine delays ticks but does not stop them.
    let ticks = 0;
    let last = performance.now();
    const ticker = setInterval(() => {
      const now = performance.now();
      maxGapMs = Math.max(maxGapMs, now - last);
      last = now;
      ticks++;
    }, 5);
    const copy = await copyDatabase({ dbPath, tmpDir }).finally(() => clearInterval(ticker));
    assert.ok(ticks >= 10, `the calling thread kept running during copy ${i} (${ticks} timer ticks in ${(copy.copyMs + copy.verifyMs).toFixed(0)} ms)`);
    try {
      const invariant = checkInvariant(copy.path);
      assert.deepEqual(invariant.violations, []);
      const v = copy.verification;
      assert.equal(v.result, 'ok');
      assert.deepEqual(v.tables, invariant.counts);
      assert.ok(v.tables.trades! > lastTrades, `copy ${i} sees new trades (${v.tables.trades} > ${lastTrades})`);
      lastTrades = v.tables.trades!;
      const bytes = readFileSync(copy.path);
      assert.equal(v.size, bytes.length);
      assert.equal(v.pageSize * v.pageCount, bytes.length);
      assert.equal(v.sha256, createHash('sha256').update(bytes).digest('hex'));
      // An independent reader agrees.
      assert.equal(execFileSync(sqlite3, ['-readonly', copy.path, 'PRAGMA quick_check; SELECT count(*) FROM trades;'], { encoding: 'utf8' }), `ok\n${v.tables.trades}\n`);
    } finally {
      await copy.remove();
    }
    assert.equal(existsSync(copy.path), false);
  }
  const stats = await writer.stop();
  assert.equal(stats.errors, 0);
  assert.ok(stats.commits > 1500, `writer kept committing (${stats.commits} commits)`);
  t.diagnostic(`longest event-loop gap during the copies: ${maxGapMs.toFixed(0)} ms; writer p99 ${stats.p99Ms.toFixed(2)} ms`);
  assert.deepEqual(readdirSync(tmpDir), []);
  assert.deepEqual(checkInvariant(dbPath).violations, []);
});

function assertBackupError(kind: BackupError['kind'], pattern: RegExp) {
  return (err: unknown) => {
    assert.ok(err instanceof BackupError, `expected a BackupError, got ${String(err)}`);
    assert.equal(err.kind, kind);
    assert.match(err.message, pattern);
    assert.equal(err.message.includes('\n'), false);
    return true;
  };
}

test('bad sources fail with a message naming the path or table, and leave no temp files', async (t) => {
  const dir = tempDir(t);
  const tmpDir = join(dir, 'tmp');
  const missing = join(dir, 'missing.db');
  await assert.rejects(copyDatabase({ dbPath: missing, tmpDir }), assertBackupError('not-found', /missing\.db does not exist/));

  const text = join(dir, 'notes.db');
  writeFileSync(text, 'not a database at all\n'.repeat(100));
  await assert.rejects(copyDatabase({ dbPath: text, tmpDir }), assertBackupError('permanent', /notes\.db is not a SQLite database/));

  // A valid header over garbage: only SQLite itself can tell.
  const good = join(dir, 'good.db');
  createTradingDb(good, { accounts: 2, trades: 10 });
  const torn = join(dir, 'torn.db');
  const bytes = readFileSync(good);
  bytes.fill(0xa5, 100);
  writeFileSync(torn, bytes);
  await assert.rejects(copyDatabase({ dbPath: torn, tmpDir }), assertBackupError('permanent', /torn\.db/));

  const partial = join(dir, 'partial.db');
  const db = new Database(partial);
  db.exec('CREATE TABLE trades (id INTEGER PRIMARY KEY); CREATE TABLE accounts (id INTEGER PRIMARY KEY); CREATE TABLE positions (id INTEGER)');
  db.close();
  await assert.rejects(copyDatabase({ dbPath: partial, tmpDir }), assertBackupError('permanent', /partial\.db has no table 'audit_trail'/));
  await assert.rejects(
    copyDatabase({ dbPath: good, tmpDir, requiredTables: ['trades', 'orders'] }),
    assertBackupError('permanent', /good\.db has no table 'orders'/),
  );
  assert.deepEqual(readdirSync(tmpDir), []);

  const ok = await copyDatabase({ dbPath: partial, tmpDir, requiredTables: ['trades'] });
  assert.deepEqual(ok.verification.tables, { trades: 0 });
  await ok.remove();
  assert.deepEqual(readdirSync(tmpDir), []);
});
