import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, readFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { PageBatch, setDatabasePages } from '../../../../main/engine/replication/frame-apply.ts';
import { createTradingDb } from '../../../support/trading-db.ts';
import { tempDir } from '../../../support/temp-dir.ts';

interface RawFrame {
  pgno: number;
  /** Non-zero on a commit frame: the database size in pages after the commit. */
  dbSize: number;
  image: Buffer;
}

/** The valid frames of a WAL file, read the plain way (the format from sqlite.org), as the oracle's input. */
function readWal(path: string): { pageSize: number; frames: RawFrame[] } {
  const wal = readFileSync(path);
  const pageSize = wal.readUInt32BE(8);
  const salt1 = wal.readUInt32BE(16);
  const salt2 = wal.readUInt32BE(20);
  const frames: RawFrame[] = [];
  for (let off = 32; off + 24 + pageSize <= wal.length; off += 24 + pageSize) {
    if (wal.readUInt32BE(off + 8) !== salt1 || wal.readUInt32BE(off + 12) !== salt2) break;
    frames.push({ pgno: wal.readUInt32BE(off), dbSize: wal.readUInt32BE(off + 4), image: wal.subarray(off + 24, off + 24 + pageSize) });
  }
  return { pageSize, frames };
}

/** Applies frames[0..count) to a copy of the base, as a point-in-time restore does. */
async function rollForward(base: string, out: string, pageSize: number, frames: RawFrame[], count: number): Promise<void> {
  copyFileSync(base, out);
  const file = await open(out, 'r+');
  try {
    const batch = new PageBatch(pageSize);
    let dbSize = 0;
    for (const f of frames.slice(0, count)) {
      batch.set(f.pgno, f.image);
      if (f.dbSize !== 0) dbSize = f.dbSize;
    }
    await batch.writeTo(file);
    await setDatabasePages(file, pageSize, dbSize);
  } finally {
    await file.close();
  }
}

test("frames rolled onto the base give exactly SQLite's own image at each commit, a shrinking VACUUM included", async (t) => {
  const dir = tempDir(t);
  const dbPath = join(dir, 'trading.db');
  createTradingDb(dbPath, { accounts: 4, trades: 300 });
  const base = join(dir, 'base.db');
  copyFileSync(dbPath, base);

  const db = new Database(dbPath);
  t.after(() => db.close());
  db.pragma('wal_autocheckpoint = 0');
  const images: { frames: number; image: Buffer }[] = [];
  const framesSoFar = () => readWal(`${dbPath}-wal`).frames.length;
  const insert = db.prepare("INSERT INTO trades (account_id, symbol, quantity, price, ts, memo) VALUES (1, 'SPY', ?, 100, 'now', randomblob(?))");
  for (let i = 0; i < 40; i++) {
    insert.run(i, 200 + i * 50);
    if (i % 10 === 9) images.push({ frames: framesSoFar(), image: db.serialize() });
  }
  // Grow, then shrink the file: the last commit records fewer pages than the file had.
  db.exec('CREATE TABLE scratch AS SELECT randomblob(4000) AS b FROM trades');
  images.push({ frames: framesSoFar(), image: db.serialize() });
  db.exec('DROP TABLE scratch');
  db.exec('VACUUM');
  images.push({ frames: framesSoFar(), image: db.serialize() });

  const { pageSize, frames } = readWal(`${dbPath}-wal`);
  assert.equal(frames[frames.length - 1]!.dbSize * pageSize, images[images.length - 1]!.image.length);
  assert.ok(images[images.length - 2]!.image.length > images[images.length - 1]!.image.length, 'the VACUUM shrank the database');
  for (const [i, { frames: count, image }] of images.entries()) {
    const out = join(dir, `pitr-${i}.db`);
    await rollForward(base, out, pageSize, frames, count);
    assert.ok(readFileSync(out).equals(image), `state ${i} (after ${count} frames) differs from SQLite's image`);
  }
});

test('a frame of the wrong size or page number is refused as a damaged segment', () => {
  const batch = new PageBatch(4096);
  assert.throws(() => batch.set(0, Buffer.alloc(4096)), /names page 0: the segment is damaged/);
  assert.throws(() => batch.set(3, Buffer.alloc(100)), /holds 100 bytes, not the page size 4096/);
  batch.set(3, Buffer.alloc(4096));
  batch.set(3, Buffer.alloc(4096, 1));
  assert.equal(batch.size, 1);
});
