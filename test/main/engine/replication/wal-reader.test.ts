import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, openSync, readFileSync, writeFileSync, closeSync, writeSync, ftruncateSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { tempDir } from '../../../support/temp-dir.ts';
import { readWalFrames, type WalFrame } from '../../../../main/engine/replication/wal-reader.ts';
import { hasCommittedFramesAfter } from '../../../../main/engine/replication/old-chain.ts';
import { parseWalHeader, walChecksum } from '../../../../main/engine/replication/wal-format.ts';

/** A WAL-mode database whose main file holds everything so far, with automatic checkpoints off. */
function freshDb(dir: string): { db: Database.Database; path: string; base: string } {
  const path = join(dir, 'live.db');
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('wal_autocheckpoint = 0');
  db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, body TEXT)');
  db.pragma('wal_checkpoint(TRUNCATE)');
  const base = join(dir, 'base.db');
  copyFileSync(path, base);
  return { db, path, base };
}

function insert(db: Database.Database, n: number, size = 100): void {
  const stmt = db.prepare('INSERT INTO t (body) VALUES (?)');
  db.transaction(() => {
    for (let i = 0; i < n; i++) stmt.run('x'.repeat(size) + String(i));
  })();
}

/** Applies frames the way a checkpoint does: page images in place, then the committed size. */
function applyFrames(file: string, frames: WalFrame[], pageSize: number): void {
  const fd = openSync(file, 'r+');
  try {
    for (const f of frames) {
      writeSync(fd, f.page, 0, f.page.length, (f.pageNumber - 1) * pageSize);
      if (f.commitSize) ftruncateSync(fd, f.commitSize * pageSize);
    }
  } finally {
    closeSync(fd);
  }
}

test('the WAL header checksum and every frame checksum of a real WAL verify, and the frames rebuild the database', (t) => {
  const dir = tempDir(t);
  const { db, path, base } = freshDb(dir);
  t.after(() => db.close());
  for (let i = 0; i < 5; i++) insert(db, 20 + i * 30);
  return readWalFrames(`${path}-wal`, null).then((result) => {
    assert.equal(result.kind, 'frames');
    if (result.kind !== 'frames') return;
    const header = parseWalHeader(readFileSync(`${path}-wal`));
    assert.ok(header, 'the header parses and its checksum verifies');
    assert.equal(walChecksum(readFileSync(`${path}-wal`).subarray(0, 24), header.bigEndianChecksum, [0, 0])[0], header.checksum1);
    assert.equal(result.frames.filter((f) => f.commitSize > 0).length, 5, 'one commit frame per transaction');
    assert.equal(result.end.walFrames, result.frames.length);
    applyFrames(base, result.frames, result.header.pageSize);
    const copy = new Database(base, { readonly: true });
    t.after(() => copy.close());
    assert.equal(copy.pragma('integrity_check', { simple: true }), 'ok');
    assert.equal(copy.prepare('SELECT count(*) FROM t').pluck().get(), db.prepare('SELECT count(*) FROM t').pluck().get());
  });
});

test('reading continues from a position, and stops before a transaction whose checksum chain is broken', async (t) => {
  const dir = tempDir(t);
  const { db, path } = freshDb(dir);
  t.after(() => db.close());
  insert(db, 10);
  const first = await readWalFrames(`${path}-wal`, null);
  assert.equal(first.kind, 'frames');
  if (first.kind !== 'frames') return;
  insert(db, 10);
  insert(db, 200);
  const next = await readWalFrames(`${path}-wal`, first.end);
  assert.equal(next.kind, 'frames');
  if (next.kind !== 'frames') return;
  assert.equal(next.frames[0]!.index, first.end.walFrames, 'continues right after the position');
  assert.equal(next.frames.filter((f) => f.commitSize > 0).length, 2);

  // Damage one byte of the last transaction's first frame in a copy: only the second transaction is still valid.
  const firstOfThird = next.frames.findIndex((f) => f.commitSize > 0) + 1;
  const damaged = join(dir, 'damaged-wal');
  const bytes = readFileSync(`${path}-wal`);
  const pageSize = first.header.pageSize;
  bytes[32 + next.frames[firstOfThird]!.index * (24 + pageSize) + 24 + 100]! ^= 0xff;
  writeFileSync(damaged, bytes);
  const cut = await readWalFrames(damaged, first.end);
  assert.equal(cut.kind, 'frames');
  if (cut.kind !== 'frames') return;
  assert.equal(cut.frames.length, firstOfThird);
  assert.ok(cut.frames.at(-1)!.commitSize > 0);
});

test('a TRUNCATE checkpoint by the writer shows as a salt change with salt-1 one higher', async (t) => {
  const dir = tempDir(t);
  const { db, path } = freshDb(dir);
  t.after(() => db.close());
  insert(db, 50);
  const before = await readWalFrames(`${path}-wal`, null);
  assert.equal(before.kind, 'frames');
  if (before.kind !== 'frames') return;
  db.pragma('wal_checkpoint(TRUNCATE)');
  assert.equal((await readWalFrames(`${path}-wal`, before.end)).kind, 'discontinuous', 'an empty WAL after frames we hold is a discontinuity');
  insert(db, 5);
  const after = await readWalFrames(`${path}-wal`, before.end);
  assert.equal(after.kind, 'discontinuous');
  if (after.kind !== 'discontinuous') return;
  assert.match(after.reason, /salts changed/);
  assert.equal(after.header?.salt1, (before.end.salt1 + 1) >>> 0);
  assert.equal(after.header?.checkpointSeq, before.end.checkpointSeq + 1);
});

test('after a restart, committed frames we never copied are found in the old part of the file', async (t) => {
  const dir = tempDir(t);
  const { db, path } = freshDb(dir);
  t.after(() => db.close());
  insert(db, 400, 200); // many frames, so the new WAL below stays shorter than our position
  const shipped = await readWalFrames(`${path}-wal`, null);
  assert.equal(shipped.kind, 'frames');
  if (shipped.kind !== 'frames') return;
  const { pageSize, bigEndianChecksum } = shipped.header;
  assert.equal(await hasCommittedFramesAfter(`${path}-wal`, shipped.end, pageSize, bigEndianChecksum), false, 'nothing after our position yet');

  insert(db, 3); // committed after our copy: these are the frames a restart would lose
  db.pragma('wal_checkpoint(PASSIVE)');
  insert(db, 1); // the first write after a complete checkpoint restarts the WAL
  const now = await readWalFrames(`${path}-wal`, shipped.end);
  assert.equal(now.kind, 'discontinuous');
  assert.equal(await hasCommittedFramesAfter(`${path}-wal`, shipped.end, pageSize, bigEndianChecksum), true);
});
