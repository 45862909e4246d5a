import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { resticOk } from '../support/restic.ts';
import { requireTool } from '../support/tools.ts';
import { maybeScreenshot, startUiHarness } from '../support/ui-harness.ts';

const PASSWORD = 'wizard typed password 91c7e2';

test('first run: the wizard creates the repository and will not finish before the recovery kit is saved', async (t) => {
  if (!requireTool(t, 'restic')) return;
  const ui = await startUiHarness(t);
  if (!ui) return;
  const { page } = ui;
  await ui.open();
  await page.waitForSelector('[data-action=create]');
  assert.equal(await page.locator('body').getAttribute('data-view'), 'wizard', 'an unconfigured app opens the wizard');
  assert.equal(await page.locator('.tab[data-view=settings]').isDisabled(), true, 'settings cannot be opened before setup');

  await page.fill('#w-repo', ui.repoPath);
  await page.fill('#w-db', ui.dbPath);
  await page.fill('#w-files', ui.filesDir);
  await page.fill('#w-password', PASSWORD);
  await page.fill('#w-confirm', `${PASSWORD}x`);
  await maybeScreenshot(page, 'wizard');
  await page.click('[data-action=create]');
  assert.match(await page.textContent('[data-testid=wizard-error]') ?? '', /passwords differ/, 'a mistyped confirmation is refused');
  assert.equal(ui.responses.some((r) => r.includes('repositoryId')), false, 'nothing was created');

  await page.fill('#w-confirm', PASSWORD);
  await page.click('[data-action=create]');
  await page.waitForSelector('[data-step=recovery-kit]', { timeout: 30_000 });
  const kit = await page.textContent('[data-testid=recovery-kit]') ?? '';
  assert.ok(kit.includes(ui.repoPath), 'the kit names the repository');
  assert.ok(!kit.includes(PASSWORD), 'the kit never holds the password');
  const typed = await page.evaluate('[...document.querySelectorAll("input")].map((i) => i.value)') as string[];
  assert.ok(!typed.includes(PASSWORD) && !(await page.content()).includes(PASSWORD), 'the password is gone from the page');
  assert.equal(await page.locator('[data-action=finish]').isDisabled(), true, 'finishing needs the kit saved first');
  await maybeScreenshot(page, 'wizard-recovery-kit');

  const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-action=save-kit]')]);
  assert.match(download.suggestedFilename(), /recovery-kit.*\.txt$/);
  const saved = join(ui.dir, download.suggestedFilename());
  await download.saveAs(saved);
  assert.equal(readFileSync(saved, 'utf8'), kit, 'the saved file is the kit shown');
  assert.equal(await page.locator('[data-action=finish]').isDisabled(), false);

  await page.click('[data-action=finish]');
  await page.waitForSelector('[data-testid=overall]');
  assert.equal(await page.locator('body').getAttribute('data-view'), 'dashboard');
  assert.equal(await ui.secrets.get('repository-password'), PASSWORD, 'the password went to the keychain');
  const config = JSON.parse(resticOk(ui.repoPath, PASSWORD, ['cat', 'config'])) as { version: number };
  assert.equal(config.version, 2, 'restic opens the new repository with the typed password');
  assert.ok(!ui.responses.some((r) => r.includes(PASSWORD)), 'no response carried the password back');
});
