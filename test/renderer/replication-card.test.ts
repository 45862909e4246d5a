/**
 * The dashboard's replication card in Chromium against the real engine and
 * the real replicator: absent while replication is off; while it ships a live
 * writer's commits, healthy with its generation and lag; once the enabled
 * replicator stops, critical, with the alert in the list.
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { test } from 'node:test';
import { requireTool } from '../support/tools.ts';
import { startTradingWriter } from '../support/trading-writer.ts';
import { maybeScreenshot, startConfiguredUi } from '../support/ui-harness.ts';

test('the replication card is absent when off, healthy while shipping, critical when the enabled replicator stops', { timeout: 120_000 }, async (t) => {
  if (!requireTool(t, 'restic')) return;
  const ui = await startConfiguredUi(t);
  if (!ui) return;
  const { page, engine } = ui;
  await page.waitForSelector('[data-testid=tier-1]');
  assert.equal(await page.locator('[data-testid=replication]').count(), 0, 'replication off: no card');
  const overallOff = await page.getAttribute('[data-testid=overall]', 'data-state');

  const configFile = engine.paths.configFile;
  const config = JSON.parse(readFileSync(configFile, 'utf8')) as Record<string, unknown>;
  writeFileSync(configFile, JSON.stringify({ ...config, replication: { enabled: true } }, null, 2));

  const writer = await startTradingWriter(ui.dbPath, 100);
  t.after(() => void writer.stop().catch(() => undefined));
  const controller = new AbortController();
  const replicating = engine.replicate({ signal: controller.signal, intervalMs: 100 });
  try {
    let status = await engine.replicationStatus();
    for (const deadline = Date.now() + 60_000; status.lag.samples === 0 && Date.now() < deadline; status = await engine.replicationStatus()) await sleep(100);
    assert.ok(status.generation && status.lag.samples > 0, `nothing shipped: ${status.message}`);

    await page.waitForSelector('[data-testid=replication][data-state=healthy][data-replicator=replicating]', { timeout: 30_000 });
    // The card follows shipped segments every few seconds, not each one.
    await page.waitForSelector('[data-testid=replication-lag]:has-text("p95")', { timeout: 30_000 });
    assert.equal(await page.textContent('[data-testid=replication-generation]'), status.generation);
    assert.match(await page.textContent('[data-testid=replication-lag]') ?? '', /^p95 \d+(\.\d)? m?s · max \d+(\.\d)? m?s$/);
    assert.doesNotMatch(await page.textContent('[data-testid=replication-last-commit]') ?? '', /none yet/);
    assert.equal(await page.getAttribute('[data-testid=overall]', 'data-state'), overallOff, 'healthy replication changes nothing overall');
    await maybeScreenshot(page, 'dashboard-replication');
    await writer.stop();
  } finally {
    // Before the harness closes the engine: the replicator writes its last state to the catalog.
    controller.abort();
    await replicating.catch(() => undefined);
  }
  // Enabled but stopped: trades since the last segment are only in the live database.
  await page.waitForSelector('[data-testid=replication][data-state=critical][data-replicator=stopped]', { timeout: 30_000 });
  assert.match(await page.textContent('[data-testid=replication]') ?? '', /replication is stopped/);
});
