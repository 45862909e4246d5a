import assert from 'node:assert/strict';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { LocalBackend } from '../../../../../main/engine/backends/local-backend.ts';
import { Repository } from '../../../../../main/engine/repo/repository.ts';
import { snapshotDatabase } from '../../../../../main/engine/sources/sqlite/database-snapshot.ts';
import { tempDir } from '../../../../support/temp-dir.ts';
import { createTradingDb } from '../../../../support/trading-db.ts';

/** Bytes under data/ and index/: what a snapshot really costs, trees and index included. */
function storedBytes(repoPath: string): number {
  let total = 0;
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(d, e.name));
      else total += statSync(join(d, e.name)).size;
    }
  };
  walk(join(repoPath, 'data'));
  walk(join(repoPath, 'index'));
  return total;
}

const MB = 1e6;

test('after 1% of a 200 MB database changes, the next snapshot adds under 5 MB', async (t) => {
  const dir = tempDir(t);
  const dbPath = join(dir, 'trading.db');
  const info = createTradingDb(dbPath, { accounts: 50, trades: 1000, targetBytes: 200e6 });
  assert.ok(info.sizeBytes > 190e6, `database is ${(info.sizeBytes / MB).toFixed(0)} MB`);
  const repoPath = join(dir, 'repo');
  const repo = await Repository.init(new LocalBackend(repoPath), 'pw', { kdf: { N: 1024, r: 8, p: 1 } });
  const tmpDir = join(dir, 'tmp');

  const first = await snapshotDatabase(repo, { dbPath, tmpDir });
  assert.equal(first.chunksNew, first.chunksTotal);
  assert.equal(first.bytesAdded, storedBytes(repoPath), 'bytesAdded counts every pack and index byte');

  // Change 1% of the pages: every 100th trade, each on its own page, spread over the whole file.
  const db = new Database(dbPath);
  const changed = db.prepare('UPDATE trades SET price = price + 0.25 WHERE id % 100 = 0').run().changes;
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
  const pages = first.manifest.page_count;
  assert.ok(changed >= pages * 0.009, `${changed} of ${pages} pages changed`);

  const sizeBefore = storedBytes(repoPath);
  const second = await snapshotDatabase(repo, { dbPath, tmpDir, parent: first.snapshotId });
  const grown = storedBytes(repoPath) - sizeBefore;
  t.diagnostic(
    `200 MB database (${pages} pages), ${changed} rows changed: 1st snapshot ${(first.bytesAdded / MB).toFixed(1)} MB in ${first.totalMs.toFixed(0)} ms, ` +
      `2nd ${(second.bytesAdded / MB).toFixed(2)} MB in ${second.totalMs.toFixed(0)} ms (${second.chunksNew} new of ${second.chunksTotal} chunks)`,
  );
  console.log(`dedup: second snapshot added ${(second.bytesAdded / MB).toFixed(2)} MB (packs + index) after changing ${changed} of ${pages} pages`);
  assert.equal(second.bytesAdded, grown, 'bytesAdded matches what the repository grew by');
  assert.ok(second.bytesAdded < 5 * MB, `second snapshot added ${(second.bytesAdded / MB).toFixed(2)} MB`);
  assert.ok(second.chunksNew >= changed && second.chunksNew < changed * 1.1 + 10, `${second.chunksNew} new chunks for ${changed} changed rows`);

  // Nothing changed: unchanged segments reuse their tree blobs, so only the root and manifest are new.
  const third = await snapshotDatabase(repo, { dbPath, tmpDir, parent: second.snapshotId });
  t.diagnostic(`unchanged database: 3rd snapshot added ${third.bytesAdded} bytes`);
  assert.equal(third.chunksNew, 0);
  assert.ok(third.bytesAdded < 100_000, `an unchanged database adds ${third.bytesAdded} bytes`);
});
