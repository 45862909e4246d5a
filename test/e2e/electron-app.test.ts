/**
 * End to end through the real Electron app (playwright-core's _electron):
 * starts the built app against a fresh home folder and checks that the
 * first-run wizard opens with window.quantai and no Node in the page.
 * Build hosts cannot download the Electron binary, so where it cannot launch
 * this test reports itself skipped with the reason (also under CI: the one
 * allowed skip, since no package can provide the binary there).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { tempDir } from '../support/temp-dir.ts';

const require = createRequire(import.meta.url);
const root = join(import.meta.dirname, '..', '..');

/** The Electron binary's path, or why it cannot run here. */
function electronBinary(): { path: string } | { reason: string } {
  let path: unknown;
  try {
    path = require('electron');
  } catch (err) {
    return { reason: `the electron package does not resolve (${(err as Error).message.split('\n')[0]})` };
  }
  if (typeof path !== 'string' || !existsSync(path)) return { reason: `the electron package is installed but its binary was never downloaded (no access to its download host)` };
  const probe = spawnSync(path, ['--version'], { encoding: 'utf8', timeout: 20_000, env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' } });
  if (probe.status !== 0) return { reason: `${path} does not run: ${(probe.stderr || probe.error?.message || `exit ${probe.status}`).trim()}` };
  return { path };
}

test('the packaged app starts at the first-run wizard with a locked-down page', async (t) => {
  const binary = electronBinary();
  if ('reason' in binary) {
    t.skip(`Electron binary not installed: ${binary.reason}`);
    return;
  }
  let playwright: typeof import('playwright-core');
  try {
    playwright = await import('playwright-core');
  } catch (err) {
    throw new Error(`playwright-core is needed for this test (npm install --save-dev playwright-core): ${(err as Error).message}`);
  }
  assert.ok(existsSync(join(root, 'out', 'main', 'shell', 'main.js')), 'run `npm run build` first');
  const home = tempDir(t);
  const app = await playwright._electron.launch({
    executablePath: binary.path,
    args: [root, '--no-sandbox'],
    env: { ...process.env, QUANTAI_BACKUP_HOME: home, ELECTRON_DISABLE_SECURITY_WARNINGS: '1' } as Record<string, string>,
    timeout: 60_000,
  });
  t.after(() => app.close());
  const page = await app.firstWindow();
  await page.waitForLoadState('domcontentloaded');
  const exposed = await page.evaluate(() => {
    const w = globalThis as unknown as { quantai?: Record<string, unknown>; require?: unknown; process?: unknown };
    return { api: Object.keys(w.quantai ?? {}).sort(), require: typeof w.require, process: typeof w.process };
  });
  assert.ok(exposed.api.includes('getState') && exposed.api.includes('runWizard'), `window.quantai: ${exposed.api.join(', ')}`);
  assert.ok(!exposed.api.includes('invoke') && !exposed.api.includes('send'), 'no raw IPC in the page');
  assert.equal(exposed.require, 'undefined');
  assert.equal(exposed.process, 'undefined');
  const state = await page.evaluate(() => (globalThis as unknown as { quantai: { getState(): Promise<unknown> } }).quantai.getState());
  assert.deepEqual((state as { ok: boolean; value?: { configured: boolean } }).ok, true);
  assert.equal((state as { value: { configured: boolean } }).value.configured, false);
  // Navigation away from our file is refused by the main process.
  await page.evaluate(() => { (globalThis as unknown as { location: { href: string } }).location.href = 'https://example.com/'; });
  await page.waitForTimeout(500);
  assert.match(page.url(), /^file:.*index\.html/);
});
