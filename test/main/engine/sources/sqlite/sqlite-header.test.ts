import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { BackupError } from '../../../../../main/engine/errors.ts';
import { parseSqliteHeader, readSqliteHeader } from '../../../../../main/engine/sources/sqlite/sqlite-header.ts';
import { tempDir } from '../../../../support/temp-dir.ts';

function makeDb(path: string, pageSize: number, wal: boolean): { pageCount: number } {
  const db = new Database(path);
  db.pragma(`page_size = ${pageSize}`);
  if (wal) db.pragma('journal_mode = WAL');
  db.exec('CREATE TABLE t (x BLOB)');
  db.prepare('INSERT INTO t VALUES (randomblob(100000))').run();
  if (wal) db.pragma('wal_checkpoint(TRUNCATE)');
  const pageCount = db.pragma('page_count', { simple: true }) as number;
  db.close();
  return { pageCount };
}

test('reads page size, page count and journal mode from a real database', async (t) => {
  const dir = tempDir(t);
  for (const [pageSize, wal] of [[1024, false], [8192, true], [65536, true]] as const) {
    const path = join(dir, `p${pageSize}.db`);
    const { pageCount } = makeDb(path, pageSize, wal);
    const header = await readSqliteHeader(path);
    assert.ok(header);
    assert.equal(header.pageSize, pageSize);
    assert.equal(header.pageCount, pageCount);
    assert.equal(header.writeVersion, wal ? 2 : 1);
  }
});

test('rejects bytes that are not a SQLite header', () => {
  assert.equal(parseSqliteHeader(Buffer.from('hello world'.repeat(20))), null);
  const bad = Buffer.alloc(100);
  bad.write('SQLite format 3\0', 'latin1');
  bad.writeUInt16BE(1000, 16); // not a power of two
  assert.equal(parseSqliteHeader(bad), null);
  assert.equal(parseSqliteHeader(bad.subarray(0, 50)), null);
});

test('names the path in plain errors for missing, non-database and directory paths', async (t) => {
  const dir = tempDir(t);
  const missing = join(dir, 'nope.db');
  await assert.rejects(readSqliteHeader(missing), (err: unknown) => {
    assert.ok(err instanceof BackupError);
    assert.equal(err.kind, 'not-found');
    assert.match(err.message, /nope\.db does not exist/);
    return true;
  });
  const text = join(dir, 'notes.txt');
  writeFileSync(text, 'these are not the pages you are looking for\n'.repeat(10));
  await assert.rejects(readSqliteHeader(text), (err: unknown) => {
    assert.ok(err instanceof BackupError);
    assert.equal(err.kind, 'permanent');
    assert.match(err.message, /notes\.txt is not a SQLite database/);
    return true;
  });
  const sub = join(dir, 'folder.db');
  mkdirSync(sub);
  await assert.rejects(readSqliteHeader(sub), (err: unknown) => err instanceof BackupError && err.kind === 'permanent' && /folder\.db/.test(err.message));
  const empty = join(dir, 'empty.db');
  writeFileSync(empty, '');
  assert.equal(await readSqliteHeader(empty), null);
});
