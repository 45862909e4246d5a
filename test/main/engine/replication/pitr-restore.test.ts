/**
 * Point-in-time restore from a real repository: a base snapshot plus
 * segments cut from a real WAL (stored with the segment codec), checked
 * against SQLite's own image of the database after each commit.
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { LocalBackend } from '../../../../main/engine/backends/local-backend.ts';
import { isBackupError } from '../../../../main/engine/errors.ts';
import { Repository } from '../../../../main/engine/repo/repository.ts';
import { restorePointInTime } from '../../../../main/engine/replication/pitr-restore.ts';
import { readPitrSource, SegmentVanishedError, withPitrSource } from '../../../../main/engine/replication/pitr-source.ts';
import { compactSegments } from '../../../../main/engine/replication/segment-compaction.ts';
import { encodeSegment, newGenerationId, segmentFileName, type WalSegment } from '../../../../main/engine/replication/wal-segment-codec.ts';
import { snapshotDatabase } from '../../../../main/engine/sources/sqlite/database-snapshot.ts';
import { checkInvariant, createTradingDb } from '../../../support/trading-db.ts';
import { tempDir } from '../../../support/temp-dir.ts';

const BASE_MS = Date.parse('2026-11-27T10:00:00Z');
const COMMITS = 60;
const PER_SEGMENT = 8;
/** Commit k (1-based) was "observed" at BASE_MS + k * 100 ms. */
const observed = (k: number) => BASE_MS + k * 100;

interface Fixture {
  dir: string;
  repo: Repository;
  /** SQLite's image of the database after commit k (index k; 0 = the base). */
  images: Buffer[];
  segmentNames: string[];
}

/** Trades committed one by one with the WAL kept (no checkpoint), then the WAL cut into segments. */
async function fixture(t: TestContext): Promise<Fixture> {
  const dir = tempDir(t);
  const dbPath = join(dir, 'trading.db');
  createTradingDb(dbPath, { accounts: 3, trades: 100 });
  const repo = await Repository.init(new LocalBackend(join(dir, 'repo')), 'pw', { kdf: { N: 1024, r: 8, p: 1 } });
  const generation = newGenerationId(BASE_MS);
  // createTradingDb leaves an empty WAL: the base is the file, at sequence 0.
  await snapshotDatabase(repo, { dbPath, tmpDir: join(dir, 'tmp'), tags: ['replication-base', `generation:${generation}`], now: () => new Date(BASE_MS) });

  const db = new Database(dbPath);
  db.pragma('wal_autocheckpoint = 0');
  const images = [db.serialize()];
  const trade = db.transaction((k: number) => {
    const id = db.prepare("INSERT INTO trades (account_id, symbol, quantity, price, ts, memo) VALUES (1, 'SPY', ?, 100, 'now', randomblob(?))").run(k, 100 + k * 40).lastInsertRowid;
    db.prepare("INSERT INTO audit_trail (trade_id, action, at) VALUES (?, 'fill', 'now')").run(id);
    db.prepare('UPDATE positions SET quantity = quantity + ? WHERE account_id = 1 AND symbol = ?').run(k, 'SPY');
    db.prepare("INSERT INTO positions (account_id, symbol, quantity) SELECT 1, 'SPY', ? WHERE changes() = 0").run(k);
  });
  for (let k = 1; k <= COMMITS; k++) {
    trade(k);
    images.push(db.serialize());
  }
  const wal = readFileSync(`${dbPath}-wal`);
  db.close();

  const pageSize = wal.readUInt32BE(8);
  const frames: { pageNumber: number; page: Buffer; dbSize: number }[] = [];
  for (let off = 32; off + 24 + pageSize <= wal.length; off += 24 + pageSize) {
    frames.push({ pageNumber: wal.readUInt32BE(off), dbSize: wal.readUInt32BE(off + 4), page: Buffer.from(wal.subarray(off + 24, off + 24 + pageSize)) });
  }
  const segmentNames: string[] = [];
  let pending: WalSegment | null = null;
  let commit = 0;
  const position = { salt1: 0, salt2: 0, checkpointSeq: 0, walFrames: 0, checksum1: 0, checksum2: 0 };
  for (const [i, f] of frames.entries()) {
    const seq = i + 1;
    pending ??= { generation, pageSize, firstSeq: seq, lastSeq: seq, end: position, frames: [], commits: [] };
    pending.frames.push({ pageNumber: f.pageNumber, page: f.page });
    pending.lastSeq = seq;
    if (f.dbSize === 0) continue;
    commit++;
    pending.commits.push({ frameSeq: seq, dbSizePages: f.dbSize, observedMs: observed(commit) });
    if (pending.commits.length === PER_SEGMENT || commit === COMMITS) {
      const name = segmentFileName({ generation, firstSeq: pending.firstSeq, lastSeq: pending.lastSeq });
      await repo.backend.save({ type: 'wal', name }, encodeSegment(repo.masterKey, pending));
      segmentNames.push(name);
      pending = null;
    }
  }
  assert.equal(commit, COMMITS, 'every transaction is one commit frame in the WAL');
  return { dir, repo, images, segmentNames };
}

/**
 * Byte equality, except three header fields the base snapshot's copy (SQLite's
 * backup) rewrites: the change counter (24), schema cookie (40) and
 * version-valid-for (92). A commit that rewrites page 1 brings the writer's values back.
 */
function sameDatabase(restored: Buffer, image: Buffer): boolean {
  const mask = (b: Buffer) => {
    const c = Buffer.from(b);
    for (const off of [24, 40, 92]) c.fill(0, off, off + 4);
    return c;
  };
  return restored.length === image.length && mask(restored).equals(mask(image));
}

async function restoreAt(f: Fixture, atMs: number, to: string, force = false) {
  const source = await readPitrSource(f.repo);
  return restorePointInTime(f.repo, source, { at: new Date(atMs), now: new Date(BASE_MS + 3_600_000) }, { to, force });
}

test('restores at several times give exactly the database after the last commit observed by then', async (t) => {
  const f = await fixture(t);
  for (const k of [0, 9, COMMITS]) {
    const target = join(f.dir, 'out', `at-${k}.db`);
    // Half-way to the next commit: still commit k.
    const { plan, result } = await restoreAt(f, observed(k) + 50, target);
    assert.equal(plan.commits, k);
    assert.equal(result.integrityCheck, 'ok');
    assert.ok(sameDatabase(readFileSync(target), f.images[k]!), `restore at commit ${k} differs from SQLite's image`);
    assert.equal(result.tables.trades, 100 + k);
    assert.deepEqual(checkInvariant(target).violations, []);
  }
  // (checkInvariant's read-only open leaves -wal/-shm beside the restored files.)
  assert.deepEqual(readdirSync(join(f.dir, 'out')).filter((n) => n.includes('.pitr-')), [], 'no temporary files are left');
});

test('an existing target is refused before any work, and replaced aside with force', async (t) => {
  const f = await fixture(t);
  const target = join(f.dir, 'trading-restored.db');
  await restoreAt(f, observed(5), target);
  await assert.rejects(restoreAt(f, observed(20), target), /already exists; restore to another path or use --force/);
  assert.ok(sameDatabase(readFileSync(target), f.images[5]!), 'the refused restore left the existing file alone');
  const { result } = await restoreAt(f, observed(20), target, true);
  assert.ok(sameDatabase(readFileSync(target), f.images[20]!));
  assert.ok(result.replacedTo && sameDatabase(readFileSync(result.replacedTo), f.images[5]!), 'the replaced database was moved aside, not deleted');
});

test('a missing segment is refused for times after it; a damaged one fails the restore and leaves nothing behind', async (t) => {
  const f = await fixture(t);
  await f.repo.backend.remove({ type: 'wal', name: f.segmentNames[2]! });
  await assert.rejects(restoreAt(f, observed(40), join(f.dir, 'gap.db')), (err: unknown) => {
    assert.ok(isBackupError(err));
    assert.match(err.message, /is missing frames \d+-\d+ \(a segment was lost\); only times before 2026-11-27T10:00:01.600Z can be restored from it/);
    return true;
  });
  assert.equal(existsSync(join(f.dir, 'gap.db')), false);
  // Before the hole still restores (the lost segment might hold commits observed in the same millisecond as commit 16).
  const { plan } = await restoreAt(f, observed(16) - 1, join(f.dir, 'before-gap.db'));
  assert.equal(plan.commits, 15);

  const victim = join(f.dir, 'repo', 'quantai', 'wal', f.segmentNames[1]!);
  const bytes = readFileSync(victim);
  bytes[bytes.length - 40]! ^= 0xff;
  writeFileSync(victim, bytes);
  const out = join(f.dir, 'damaged');
  await assert.rejects(restoreAt(f, observed(12), join(out, 'x.db')), /WAL segment .* (is damaged|cannot be)/);
  assert.deepEqual(existsSync(out) ? readdirSync(out) : [], [], 'no partial file is left');
});

test('a compaction that merges segments between the listing and the read does not fail the restore', async (t) => {
  const f = await fixture(t);
  const now = new Date(BASE_MS + 3_600_000);
  const target = join(f.dir, 'raced.db');
  const listings: string[][] = [];
  const { plan } = await withPitrSource(f.repo, async (source) => {
    listings.push(source.segments.map((s) => s.name));
    // The replicator's housekeeping runs after our listing: it merges the parts and deletes them.
    if (listings.length === 1) assert.ok((await compactSegments(f.repo, { now })).removedParts > 0, 'the compaction removed listed parts');
    return restorePointInTime(f.repo, source, { at: new Date(observed(30) + 50), now }, { to: target });
  });
  assert.equal(listings.length, 2, 'the first attempt met a vanished segment and the segments were listed again');
  assert.deepEqual(listings[0], f.segmentNames);
  assert.ok(listings[1]!.length < listings[0]!.length, 'the second listing has the merged segment');
  assert.equal(plan.commits, 30);
  assert.ok(sameDatabase(readFileSync(target), f.images[30]!));
  assert.deepEqual(readdirSync(f.dir).filter((n) => n.includes('.pitr-')), [], 'the failed attempt left no temporary file');

  // A segment that stays gone is reported, not retried forever.
  let attempts = 0;
  await assert.rejects(withPitrSource(f.repo, async () => {
    attempts++;
    throw new SegmentVanishedError('x', null);
  }), SegmentVanishedError);
  assert.equal(attempts, 3);
});
