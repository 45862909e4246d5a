import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { maybeScreenshot, startConfiguredUi, UI_PASSWORD } from '../support/ui-harness.ts';

const CRON = '#f-schedule-jobs-snapshot-cron';

test('invalid settings are refused with the field named next to it; valid ones are saved', async (t) => {
  const ui = await startConfiguredUi(t, 'settings');
  if (!ui) return;
  const { page } = ui;
  const configFile = join(ui.home, 'config.json');
  const before = readFileSync(configFile, 'utf8');

  await page.waitForSelector(CRON);
  await page.waitForSelector('[data-testid=cron-preview-snapshot]:has-text("Next:")');
  await page.fill(CRON, '*/15 * * *');
  await page.waitForSelector('[data-testid=cron-preview-snapshot]:has-text("Invalid")');
  await page.waitForSelector('[data-field="schedule.jobs.snapshot.cron"] .field-error', { timeout: 5000 });
  await page.fill('#f-repository-path', 'relative/repo');
  await page.click('[data-action=save-settings]');

  await page.waitForSelector('[data-testid=settings-errors]:has-text("Not saved")');
  const cronError = await page.textContent('[data-field="schedule.jobs.snapshot.cron"] .field-error') ?? '';
  assert.match(cronError, /snapshot schedule: .*5 fields/, `the cron field says what is wrong: ${cronError}`);
  const repoError = await page.textContent('[data-field="repository.path"] .field-error') ?? '';
  assert.match(repoError, /Local repository folder: .*absolute path/, `the repository field says what is wrong: ${repoError}`);
  const summary = await page.textContent('[data-testid=settings-errors]') ?? '';
  assert.ok(summary.includes('schedule.jobs.snapshot.cron') && summary.includes('repository.path'), `the summary names both fields: ${summary}`);
  assert.equal(readFileSync(configFile, 'utf8'), before, 'nothing was written');
  await page.locator('[data-field="schedule.jobs.snapshot.cron"]').scrollIntoViewIfNeeded();
  await maybeScreenshot(page, 'settings-invalid', false);

  await page.fill(CRON, '*/5 * * * 1-5');
  await page.fill('#f-repository-path', ui.repoPath);
  await page.waitForSelector('[data-testid=cron-preview-snapshot]:has-text("Next:")');
  await page.click('[data-action=save-settings]');
  await page.waitForSelector('[data-testid=notice]:has-text("Settings saved")');
  assert.equal(await page.locator('.field-error').count(), 0, 'the errors are gone');
  const saved = JSON.parse(readFileSync(configFile, 'utf8')) as { schedule: { jobs: { snapshot: { cron: string } } } };
  assert.equal(saved.schedule.jobs.snapshot.cron, '*/5 * * * 1-5');
  await page.evaluate('window.scrollTo(0, 0)');
  await maybeScreenshot(page, 'settings', false);
});

test('secrets go to the keychain and never reach the renderer in clear after saving', async (t) => {
  const ui = await startConfiguredUi(t, 'settings');
  if (!ui) return;
  const { page } = ui;
  const secrets = { 'smtp-password': 'smtp-pass-4f8d1c2a', 'slack-webhook-url': 'https://hooks.slack.com/services/T000/B000/xyzSECRET9' };
  for (const [name, value] of Object.entries(secrets)) {
    const box = page.locator(`[data-secret=${name}]`);
    await box.locator('input[type=password]').fill(value);
    await box.locator('button:has-text("Store")').click();
    await page.waitForSelector(`[data-testid=secret-${name}]:has-text("stored in the OS keychain")`);
    assert.equal(await box.locator('input').count(), 0, `${name}: no input is left holding the value`);
  }
  assert.equal(await ui.secrets.get('smtp-password'), secrets['smtp-password']);
  assert.equal(await ui.secrets.get('slack-webhook-url'), secrets['slack-webhook-url']);

  await page.click('[data-action=save-settings]');
  await page.waitForSelector('[data-testid=notice]:has-text("Settings saved")');
  await ui.open('settings');
  await page.waitForSelector('[data-testid=secret-smtp-password]:has-text("stored in the OS keychain")');
  await page.waitForSelector('[data-testid=secret-repository-password]:has-text("stored in the OS keychain")');
  await ui.open('dashboard');
  await page.waitForSelector('[data-testid=overall]');
  await ui.open('settings');
  await page.waitForSelector('[data-testid=secret-slack-webhook-url]');

  const clear = [...Object.values(secrets), UI_PASSWORD];
  const dom = await page.content();
  const values = await page.evaluate('[...document.querySelectorAll("input, textarea")].map((i) => i.value).join("\\n")') as string;
  const config = readFileSync(join(ui.home, 'config.json'), 'utf8');
  assert.ok(ui.responses.length > 10, `the scan covers the binding's answers (${ui.responses.length})`);
  assert.ok(ui.responses.some((r) => r.includes('"secretsSet"')), 'the scan includes the settings answers');
  for (const secret of clear) {
    const where: string[] = [
      ...ui.responses.filter((r) => r.includes(secret)).map((r) => `binding response ${r.slice(0, 80)}`),
      ...ui.events.filter((e) => JSON.stringify(e).includes(secret)).map((e) => `event ${e.name}`),
      dom.includes(secret) ? 'the DOM' : '', values.includes(secret) ? 'an input value' : '', config.includes(secret) ? 'config.json' : '',
    ].filter(Boolean);
    assert.deepEqual(where, [], `a secret reached the renderer or the config file in clear: ${where.join(', ')}`);
  }
});
