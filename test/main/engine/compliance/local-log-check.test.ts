/**
 * The scheduled verification also checks the operations log of the local
 * repository and records the result; health turns a broken chain into the
 * critical 'oplog-broken' alert, and a day-old unflushed backlog into the
 * 'oplog-backlog' warning.
 */
import assert from 'node:assert/strict';
import { unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { appendOperation } from '../../../../main/engine/compliance/oplog.ts';
import { oplogHealth } from '../../../../main/engine/compliance/oplog-health.ts';
import { syncOplog } from '../../../../main/engine/compliance/oplog-sync.ts';
import { engineFixture } from '../verify/engine-fixture.ts';

test('verify checks the log: intact, then a deleted batch raises oplog-broken and makes the run a warning', async (t) => {
  const fx = await engineFixture(t, {});
  const ctx = { catalog: fx.engine.catalog, clock: fx.clock, engine: fx.engine, hostname: 'ws' };
  for (let i = 0; i < 3; i++) {
    appendOperation(ctx, { type: 'settings', summary: `setting ${i} changed` });
    await syncOplog(ctx);
  }

  const clean = await fx.engine.verify({ level: 'daily' });
  assert.equal(clean.ok, true, JSON.stringify(clean.errors));
  assert.equal(clean.log?.ok, true, JSON.stringify(clean.log));
  assert.ok((clean.log?.entries ?? 0) >= 4, 'init and the three settings entries');
  assert.equal(fx.engine.catalog.lastRun('verify')?.result, 'success');
  assert.equal(oplogHealth(fx.engine.catalog)?.lastCheck?.ok, true);
  assert.deepEqual((await fx.engine.health()).conditions.filter((c) => c.rule.startsWith('oplog')), []);

  // Someone deletes the batch holding the second settings entry.
  const batches = ctx.catalog.database.prepare("SELECT name FROM oplog_batches ORDER BY first_seq").all() as { name: string }[];
  const victim = batches[2]!.name;
  unlinkSync(join(fx.repoPath, 'quantai', 'oplog', victim));
  fx.clock.set(new Date(fx.clock.now().getTime() + 3_600_000));
  const broken = await fx.engine.verify({ level: 'daily' });
  assert.equal(broken.ok, true, 'the data itself is sound');
  assert.equal(broken.log?.ok, false);
  assert.match(broken.log?.firstBad ?? '', new RegExp(`batch file ${victim} .* is missing now: it was deleted`));
  assert.equal(fx.engine.catalog.lastRun('verify')?.result, 'warning');

  const alerts = (await fx.engine.health()).conditions.filter((c) => c.rule === 'oplog-broken');
  assert.equal(alerts.length, 1);
  assert.equal(alerts[0]!.severity, 'critical');
  assert.match(alerts[0]!.title, /broken at entry 3$/);
  assert.match(alerts[0]!.message, /compliance verify-log/);
});

test('the backlog counts entries the repository lacks and when the oldest was logged', async (t) => {
  const fx = await engineFixture(t, {});
  const catalog = fx.engine.catalog;
  await syncOplog({ catalog, clock: fx.clock, engine: fx.engine });
  assert.deepEqual(oplogHealth(catalog), { lastCheck: null, pending: 0, oldestPendingAt: null });
  const at = (iso: string) => ({ catalog, clock: { now: () => new Date(iso) }, hostname: 'ws' });
  appendOperation(at('2026-01-06T10:00:00Z'), { type: 'settings', summary: 'not flushed 1' });
  appendOperation(at('2026-01-06T11:00:00Z'), { type: 'settings', summary: 'not flushed 2' });
  assert.deepEqual(oplogHealth(catalog), { lastCheck: null, pending: 2, oldestPendingAt: '2026-01-06T10:00:00.000Z' });

  fx.clock.set(new Date('2026-01-07T10:30:00Z'));
  const warning = (await fx.engine.health()).conditions.find((c) => c.rule === 'oplog-backlog');
  assert.equal(warning?.severity, 'warning');
  assert.match(warning?.title ?? '', /^2 operations log entries have not reached the repository for 24 h 30 min$/);

  await syncOplog({ catalog, clock: fx.clock, engine: fx.engine });
  assert.equal(oplogHealth(catalog)?.pending, 0);
  assert.equal((await fx.engine.health()).conditions.find((c) => c.rule === 'oplog-backlog'), undefined);
});
