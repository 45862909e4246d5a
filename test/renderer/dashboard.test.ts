import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { test } from 'node:test';
import type { Page } from 'playwright-core';
import { requireTool } from '../support/tools.ts';
import { backUpNow, maybeScreenshot, startConfiguredUi, waitForBackupSuccess } from '../support/ui-harness.ts';

/** Records every job/phase the progress panel shows, from now on (progress can be brief). */
async function watchProgress(page: Page): Promise<void> {
  // A string, not a function: tsx's name helpers do not exist in the page.
  await page.evaluate(`(() => {
    const seen = [];
    window.__progressSeen = seen;
    new MutationObserver(() => {
      for (const item of document.querySelectorAll('[data-testid=progress] .progress-item')) {
        seen.push(item.dataset.job + ':' + item.dataset.phase + ':' + (item.querySelector('.percent')?.textContent ?? ''));
      }
    }).observe(document.body, { childList: true, subtree: true });
  })()`);
}

async function progressSeen(page: Page): Promise<string[]> {
  return page.evaluate('window.__progressSeen') as Promise<string[]>;
}

test('Back up now shows the job running, then success in the history and a healthy state', async (t) => {
  if (!requireTool(t, 'restic')) return;
  const ui = await startConfiguredUi(t);
  if (!ui) return;
  const { page } = ui;
  await page.waitForSelector('[data-testid=overall]');
  assert.match(await page.textContent('[data-testid=history]') ?? '', /No job has run yet/);
  await watchProgress(page);
  await backUpNow(page);
  await page.waitForSelector('[data-testid=notice]:has-text("Started: snapshot, backup")');
  await waitForBackupSuccess(page);
  await page.waitForSelector('[data-testid=progress] >> text=No job is running.');

  const seen = await progressSeen(page);
  assert.ok(seen.some((s) => s.startsWith('snapshot:')), `the database snapshot's progress was shown (saw ${seen.join(', ') || 'nothing'})`);
  assert.ok(seen.some((s) => s.startsWith('backup:')), `the file backup's progress was shown (saw ${seen.join(', ')})`);
  await page.waitForSelector('[data-testid=snapshots] tr[data-kind=sqlite]');
  await page.waitForSelector('[data-testid=snapshots] tr[data-kind=files]');
  const tier1 = await page.getAttribute('[data-testid=tier-1]', 'data-state');
  assert.equal(tier1, 'healthy', 'the database tier is within its objective right after a snapshot');
  assert.notEqual(await page.getAttribute('[data-testid=overall]', 'data-state'), 'critical');
  await maybeScreenshot(page, 'dashboard-healthy');
});

test('a failing source turns the state critical and shows the alert', async (t) => {
  if (!requireTool(t, 'restic')) return;
  const ui = await startConfiguredUi(t);
  if (!ui) return;
  const { page } = ui;
  await backUpNow(page);
  await waitForBackupSuccess(page);
  assert.notEqual(await page.getAttribute('[data-testid=overall]', 'data-state'), 'critical');

  // The trading database disappears (a moved volume); two hours later the next snapshot fails.
  rmSync(ui.dbPath);
  ui.clock.advance(2 * 3600_000);
  await backUpNow(page);
  await page.waitForSelector('[data-testid=history] tr[data-job=snapshot][data-result=failed]', { timeout: 30_000 });
  await page.waitForSelector('[data-testid=overall][data-state=critical]', { timeout: 15_000 });
  const alert = page.locator('[data-testid=alerts] .alert[data-severity=critical]').first();
  await alert.waitFor({ timeout: 15_000 });
  const text = await alert.textContent() ?? '';
  assert.match(text, /critical/i, 'the alert says how severe it is');
  assert.ok(text.includes(ui.dbPath) || /failed/.test(text), `the alert names the source or the failure: ${text}`);
  assert.match(await page.textContent('[data-testid=overall]') ?? '', /At risk/);
  assert.equal(await page.getAttribute('[data-testid=tier-1]', 'data-state'), 'critical');
  await maybeScreenshot(page, 'dashboard-critical');
});

test('Run restore test shows the drill evidence and opens its report in a sandboxed frame', async (t) => {
  if (!requireTool(t, 'restic')) return;
  const ui = await startConfiguredUi(t);
  if (!ui) return;
  const { page } = ui;
  await backUpNow(page);
  await waitForBackupSuccess(page);
  assert.match(await page.textContent('[data-testid=drills]') ?? '', /No restore drill yet/);

  await page.click('[data-action=restore-test]');
  const drill = page.locator('[data-testid=drills] .drill').first();
  await drill.waitFor({ timeout: 60_000 });
  assert.equal(await drill.getAttribute('data-ok'), 'true', `the drill passed: ${await drill.textContent()}`);
  await page.waitForSelector('[data-testid=notice]:has-text("Restore test passed")');

  await drill.locator('[data-action=open-report]').click();
  const frame = page.locator('[data-testid=drill-report] iframe');
  await frame.waitFor();
  assert.equal(await frame.getAttribute('sandbox'), '', 'the report runs with every sandbox restriction');
  const body = await page.frameLocator('[data-testid=drill-report] iframe').locator('body').textContent() ?? '';
  assert.ok(body.includes(ui.dbPath) || /trades/.test(body), `the report shows what was restored: ${body.slice(0, 200)}`);
  await maybeScreenshot(page, 'dashboard-drill');
});
