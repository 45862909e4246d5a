import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { sweepStaleTemp, tempEntryOwner, tempOwnerTag } from '../../../../main/engine/home/tmp-sweep.ts';
import { silentLogger, type Logger } from '../../../../main/engine/logger.ts';
import { copyDatabase } from '../../../../main/engine/sources/sqlite/copy-database.ts';
import { tempDir } from '../../../support/temp-dir.ts';
import { createTradingDb } from '../../../support/trading-db.ts';

function deadPid(): number {
  return spawnSync(process.execPath, ['-e', '0']).pid!;
}

test('a database copy and restore folders left by a dead pid are removed, with their journal files', async (t) => {
  const tmp = tempDir(t);
  const dead = deadPid();
  const tag = tempOwnerTag(dead);
  const copy = `trading.db.${tag}.0123456789ab.copy`;
  for (const name of [copy, `${copy}-journal`, `${copy}-wal`, `${copy}-shm`]) writeFileSync(join(tmp, name), 'SQLite format 3\0 secret trades');
  for (const name of [`drill-${tag}-aB3xYz`, `verify-db-${tag}-Q1w2E3`]) {
    mkdirSync(join(tmp, name));
    writeFileSync(join(tmp, name, 'restored.db'), 'secret trades');
  }
  const logs: string[] = [];
  const logger: Logger = { log: (_l, m, f) => logs.push(`${m} ${JSON.stringify(f)}`) };
  const removed = await sweepStaleTemp(tmp, { logger });
  assert.equal(removed.length, 6);
  assert.deepEqual(readdirSync(tmp), []);
  assert.ok(logs.some((m) => m.includes('removed 6 temporary file(s)') && m.includes(copy)), logs.join('\n'));
});

test('what a live pid owns is kept, and so is this process\'s own', async (t) => {
  const tmp = tempDir(t);
  const names = [`trading.db.${tempOwnerTag(4242)}.0123456789ab.copy`, `drill-${tempOwnerTag()}-aB3xYz`];
  writeFileSync(join(tmp, names[0]!), 'x');
  mkdirSync(join(tmp, names[1]!));
  const asked: number[] = [];
  const removed = await sweepStaleTemp(tmp, { logger: silentLogger, isAlive: (pid) => (asked.push(pid), pid === 4242 || pid === process.pid) });
  assert.deepEqual(removed, []);
  assert.deepEqual(readdirSync(tmp).sort(), [...names].sort());
  assert.deepEqual(asked.sort(), [4242, process.pid].sort());
});

test('unrelated names, names without an owner tag and entries from another machine are kept', async (t) => {
  const tmp = tempDir(t);
  const dead = deadPid();
  const kept = [
    'notes.txt',
    'trading.db',
    'trading.db.0123456789ab.copy', // the name before owner tags: no way to tell whose it is
    `trading.db.${tempOwnerTag(dead)}.0123456789ab.copy.bak`,
    `drill-${tempOwnerTag(dead)}-aB3xYz-mine`,
    'drill-aB3xYz',
    `trading.db.${tempOwnerTag(dead, 'other-box')}.0123456789ab.copy`,
    `verify-db-${tempOwnerTag(dead, 'other-box')}-aB3xYz`,
  ];
  for (const name of kept) writeFileSync(join(tmp, name), 'x');
  const removed = await sweepStaleTemp(tmp, { logger: silentLogger, isAlive: () => false });
  assert.deepEqual(removed, []);
  assert.deepEqual(readdirSync(tmp).sort(), [...kept].sort());
});

test('a missing tmp folder is nothing to sweep', async (t) => {
  assert.deepEqual(await sweepStaleTemp(join(tempDir(t), 'tmp'), { logger: silentLogger }), []);
});

test('the names our code creates carry the creating pid', async (t) => {
  const dir = tempDir(t);
  const db = join(dir, 'trading.db');
  createTradingDb(db, { accounts: 2, trades: 10 });
  const copy = await copyDatabase({ dbPath: db, tmpDir: join(dir, 'tmp') });
  try {
    assert.deepEqual(tempEntryOwner(readdirSync(join(dir, 'tmp'))[0]!)?.pid, process.pid);
    // A running copy is never swept: its pid is this live process.
    assert.deepEqual(await sweepStaleTemp(join(dir, 'tmp'), { logger: silentLogger }), []);
    assert.ok(existsSync(copy.path));
  } finally {
    await copy.remove();
  }
});
