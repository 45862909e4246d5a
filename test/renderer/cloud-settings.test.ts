// The cloud section of Settings in Chromium against the real app API: the bucket goes to config.json,
// the two S3 keys go to the keychain and never back to the renderer or into the config file.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { maybeScreenshot, startConfiguredUi } from '../support/ui-harness.ts';

const KEYS = { 's3-access-key-id': 'AKIAQBTESTKEY7EXAMPLE', 's3-secret-access-key': 'qbSecretKey/9f8e7d6c5b4a3210ZYXWVutsrq' } as const;

test('the S3 bucket is saved to config.json and the S3 keys to the keychain only', async (t) => {
  const ui = await startConfiguredUi(t, 'settings');
  if (!ui) return;
  const { page } = ui;
  await page.waitForSelector('#section-cloud');
  await page.check('#f-cloud-enabled');
  await page.fill('#f-cloud-bucket', 'qb-trading-backups');
  await page.fill('#f-cloud-region', 'eu-west-1');
  await page.fill('#f-cloud-endpoint', 'https://s3.example.net');
  for (const [name, value] of Object.entries(KEYS)) {
    const box = page.locator(`[data-secret=${name}]`);
    await box.locator('input[type=password]').fill(value);
    await box.locator('button:has-text("Store")').click();
    await page.waitForSelector(`[data-testid=secret-${name}]:has-text("stored in the OS keychain")`);
  }
  await page.click('[data-action=save-settings]');
  await page.waitForSelector('[data-testid=notice]:has-text("Settings saved")');

  const configText = readFileSync(join(ui.home, 'config.json'), 'utf8');
  const saved = JSON.parse(configText) as { cloud: { enabled: boolean; bucket: string; region: string; endpoint: string } };
  assert.deepEqual([saved.cloud.enabled, saved.cloud.bucket, saved.cloud.region, saved.cloud.endpoint], [true, 'qb-trading-backups', 'eu-west-1', 'https://s3.example.net']);
  for (const [name, value] of Object.entries(KEYS)) assert.equal(await ui.secrets.get(name as keyof typeof KEYS), value);

  await ui.open('settings');
  await page.waitForSelector('[data-testid=secret-s3-secret-access-key]:has-text("stored in the OS keychain")');
  await page.locator('#section-cloud').scrollIntoViewIfNeeded();
  await maybeScreenshot(page, 'settings-cloud', false);
  const dom = await page.content();
  const values = await page.evaluate('[...document.querySelectorAll("input, textarea")].map((i) => i.value).join("\\n")') as string;
  for (const value of Object.values(KEYS)) {
    const where: string[] = [
      ...ui.responses.filter((r) => r.includes(value)).map((r) => `binding response ${r.slice(0, 80)}`),
      ...ui.events.filter((e) => JSON.stringify(e).includes(value)).map((e) => `event ${e.name}`),
      dom.includes(value) ? 'the DOM' : '', values.includes(value) ? 'an input value' : '', configText.includes(value) ? 'config.json' : '',
    ].filter(Boolean);
    assert.deepEqual(where, [], `an S3 key reached the renderer or the config file in clear: ${where.join(', ')}`);
  }
});
