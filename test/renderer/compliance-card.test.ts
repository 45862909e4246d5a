/**
 * The dashboard's compliance card in Chromium against the real engine: after
 * the first backups a fresh installation is not in violation and its classes
 * are listed; a deletion before retention end in the operations log turns the
 * card to a violation and names it, as text (never as markup).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { appendOperation } from '../../main/engine/compliance/oplog.ts';
import { requireTool } from '../support/tools.ts';
import { backUpNow, maybeScreenshot, startConfiguredUi, waitForBackupSuccess } from '../support/ui-harness.ts';

test('the compliance card shows a fresh installation as not violated, then a logged early deletion loudly', async (t) => {
  if (!requireTool(t, 'restic')) return;
  const ui = await startConfiguredUi(t);
  if (!ui) return;
  const { page } = ui;
  await backUpNow(page);
  await waitForBackupSuccess(page);

  const card = page.locator('[data-testid=compliance]');
  // The card reloads after each finished run: wait for the one that has both runs' entries flushed.
  await page.waitForSelector('[data-testid=compliance]:has-text("Operations log: 3 entries.")', { timeout: 30_000 });
  await page.waitForSelector('[data-testid=compliance] tr[data-class=trade-records]');
  assert.notEqual(await card.getAttribute('data-status'), 'violation');
  assert.notEqual(await card.getAttribute('data-status'), 'unknown');
  const trade = page.locator('[data-testid=compliance] tr[data-class=trade-records]');
  assert.notEqual(await trade.getAttribute('data-status'), 'violation');
  assert.match(await trade.textContent() ?? '', /7y/);
  // init, snapshot and backup are in the log, and flushed: nothing waits.
  assert.doesNotMatch(await card.textContent() ?? '', /not yet in the repository/);
  assert.equal(await page.locator('[data-testid=early-deletions]').count(), 0);
  await maybeScreenshot(page, 'dashboard-compliance');

  // A forget of a 40-day-old trade record whose month keeps nothing: a deletion before retention end.
  const old = new Date(ui.clock.now().getTime() - 40 * 86_400_000).toISOString();
  appendOperation({ catalog: ui.engine.catalog, clock: ui.clock }, {
    type: 'forget', summary: 'forgot by hand',
    data: { snapshots: [{ id: '<i>x</i>0123456789', time: old, tags: ['quantai', 'kind:sqlite', 'tier:1'], paths: [ui.dbPath], class: 'trade-records' }] },
  });
  await ui.open();
  await page.waitForSelector('[data-testid=compliance][data-status=violation]', { timeout: 30_000 });
  const loud = page.locator('[data-testid=early-deletions]');
  assert.match(await loud.textContent() ?? '', /1 deletion\(s\) before retention end.*snapshot <i>x<\/i> of /s);
  assert.equal(await loud.locator('i').count(), 0, 'text from the log is never markup');
  assert.match(await page.textContent('[data-testid=compliance-status]') ?? '', /Retention violated/);
});
