/**
 * The UI-test harness: a real engine on a fresh home folder behind the app
 * API (main/app), the built renderer (out/renderer) served over HTTP on
 * 127.0.0.1, and headless Chromium whose `window.quantai` is built by the
 * same client the preload uses (preload/api-client.ts) over a Playwright
 * binding instead of IPC. Every binding response and every event pushed to
 * the page is recorded, so tests can scan what reached the renderer.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { extname, join, normalize, sep } from 'node:path';
import type { TestContext } from 'node:test';
import { build } from 'esbuild';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { createAppApi, type AppApi, type AppEvent } from '../../main/app/app-api.ts';
import { createMemorySecretStore, type SecretStore } from '../../main/app/secret-store.ts';
import { secretSourceFromStore } from '../../main/app/secret-source.ts';
import { createEngine, silentLogger, type Engine } from '../../main/engine/index.ts';
import { EVENT_CHANNELS } from '../../preload/ipc-contract.ts';
import { requireTool } from './tools.ts';
import { createTradingDb } from './trading-db.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const RENDERER_DIR = join(ROOT, 'out', 'renderer');
export const UI_PASSWORD = 'ui harness password 5c1e8d0b';
const FAST_KDF = { N: 1024, r: 8, p: 1 };
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export interface MovableClock {
  now(): Date;
  /** Moves the engine's clock forward (health and alert rules follow it). */
  advance(ms: number): void;
}

export interface UiHarness {
  dir: string;
  home: string;
  repoPath: string;
  dbPath: string;
  filesDir: string;
  engine: Engine;
  secrets: SecretStore;
  api: AppApi;
  clock: MovableClock;
  context: BrowserContext;
  page: Page;
  url: string;
  /** Every response the binding returned to the page, as JSON text. */
  responses: string[];
  /** Every event pushed to the page. */
  events: AppEvent[];
  /** Opens the renderer (optionally at a view) and waits for the first view to render. */
  open(view?: 'dashboard' | 'settings'): Promise<void>;
  /** Runs the wizard through the API (not the UI): for tests that start configured. */
  configure(): Promise<void>;
}

export interface HarnessOptions {
  viewport?: { width: number; height: number };
}

let rendererBuilt = false;
let clientBundle: string | null = null;

/** Builds the renderer once per test process, so the tests always run the current sources. */
function buildRenderer(): void {
  if (rendererBuilt) return;
  const result = spawnSync(process.execPath, [join(ROOT, 'scripts', 'build.mjs'), '--skip-typecheck', '--renderer-only'], { cwd: ROOT, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`building the renderer failed:\n${result.stdout}${result.stderr}`);
  rendererBuilt = true;
}

/** preload/api-client.ts for the browser: the same makeQuantaiApi the preload calls. */
async function apiClientScript(): Promise<string> {
  if (clientBundle) return clientBundle;
  const out = await build({
    entryPoints: [join(ROOT, 'preload', 'api-client.ts')],
    bundle: true, write: false, format: 'iife', globalName: '__quantaiClient', platform: 'browser', target: ['chrome120'],
  });
  const bundle = out.outputFiles[0]?.text ?? '';
  // The binding stands in for ipcRenderer.invoke; __quantaiEmit for ipcRenderer.on.
  clientBundle = `${bundle}
(() => {
  const listeners = new Map();
  window.__quantaiEmit = (channel, payload) => { for (const l of [...(listeners.get(channel) || [])]) l(payload); };
  window.quantai = __quantaiClient.makeQuantaiApi(
    (channel, request) => window.__quantaiInvoke(channel, request === undefined ? null : request),
    (channel, listener) => {
      const set = listeners.get(channel) || new Set();
      listeners.set(channel, set);
      set.add(listener);
      return () => set.delete(listener);
    });
})();`;
  return clientBundle;
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8',
  '.map': 'application/json', '.png': 'image/png', '.svg': 'image/svg+xml',
};

function serveRenderer(): Promise<Server> {
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://localhost').pathname);
    const file = normalize(join(RENDERER_DIR, path === '/' ? 'index.html' : path));
    if (!file.startsWith(RENDERER_DIR + sep)) {
      res.writeHead(403).end();
      return;
    }
    try {
      if (!statSync(file).isFile()) throw new Error('not a file');
      res.writeHead(200, { 'content-type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-store' });
      res.end(readFileSync(file));
    } catch {
      res.writeHead(404).end('not found');
    }
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

/** Starts everything; null when Chromium is missing (the test is then skipped, or fails under CI). */
export async function startUiHarness(t: TestContext, options: HarnessOptions = {}): Promise<UiHarness | null> {
  const chromiumPath = requireTool(t, 'chromium');
  if (!chromiumPath) return null;
  buildRenderer();
  // Not tempDir(): the folder holds Chromium's profile, so it goes only after the browser closed (below).
  const dir = mkdtempSync(join(tmpdir(), 'qb-ui-'));
  const home = join(dir, 'home');
  const dbPath = join(dir, 'trading.db');
  const filesDir = join(dir, 'research');
  createTradingDb(dbPath, { accounts: 4, trades: 2000 });
  mkdirSync(join(filesDir, 'models'), { recursive: true });
  writeFileSync(join(filesDir, 'strategy.py'), 'def alpha():\n    return 0.42\n'.repeat(300));
  writeFileSync(join(filesDir, 'models', 'weights.bin'), Buffer.alloc(400_000, 7));

  let offsetMs = 0;
  const clock: MovableClock = { now: () => new Date(Date.now() + offsetMs), advance: (ms) => { offsetMs += ms; } };
  const secrets = createMemorySecretStore();
  const engine = createEngine({ home, clock, kdf: FAST_KDF, logger: silentLogger, secrets: secretSourceFromStore(secrets) });
  const api = createAppApi({ engine, secrets, stateIntervalMs: 50, progressIntervalMs: 0 });
  const server = await serveRenderer();
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  const context = await chromium.launchPersistentContext(join(dir, 'chromium-profile'), {
    executablePath: chromiumPath, args: CHROMIUM_ARGS, headless: true, acceptDownloads: true,
    viewport: options.viewport ?? { width: 1200, height: 900 },
  });
  const responses: string[] = [];
  const events: AppEvent[] = [];
  await context.exposeBinding('__quantaiInvoke', async (_source, channel: string, request: unknown) => {
    const result = await api.invoke(channel, request === null ? undefined : request);
    responses.push(JSON.stringify(result));
    return result;
  });
  await context.addInitScript({ content: await apiClientScript() });
  const page = context.pages()[0] ?? await context.newPage();
  const pageErrors: string[] = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));
  const unsubscribe = api.subscribe((event) => {
    events.push(event);
    // Like webContents.send: fire and forget; a page that is navigating misses it.
    page.evaluate(([channel, payload]) => (globalThis as unknown as { __quantaiEmit?: (c: string, p: unknown) => void }).__quantaiEmit?.(channel, payload), [EVENT_CHANNELS[event.name], event.payload] as [string, unknown])
      .catch(() => undefined);
  });

  t.after(async () => {
    unsubscribe();
    await context.close();
    await new Promise((resolve) => server.close(resolve));
    await api.close();
    engine.close();
    if (process.env.QB_KEEP_TMP !== '1') rmSync(dir, { recursive: true, force: true });
    if (pageErrors.length > 0) throw new Error(`the page threw: ${pageErrors.join('; ')}`);
  });

  let loads = 0;
  const harness: UiHarness = {
    dir, home, repoPath: join(dir, 'repo'), dbPath, filesDir, engine, secrets, api, clock, context, page, url, responses, events,
    async open(view) {
      // A new query each time: a hash-only change would not load the page again.
      loads += 1;
      await page.goto(`${url}?load=${loads}${view ? `#${view}` : ''}`);
      await page.waitForSelector('body[data-view] #view > *');
    },
    async configure() {
      const result = await api.runWizard({ repoPath: harness.repoPath, dbPath, files: [filesDir], password: UI_PASSWORD });
      if (!result.ok) throw new Error(`the wizard failed: ${result.error.message}`);
    },
  };
  return harness;
}

/** Writes a screenshot under docs/screenshots when QB_SCREENSHOTS=1 (how the README's pictures are made). */
export async function maybeScreenshot(page: Page, name: string, fullPage = true): Promise<void> {
  if (process.env.QB_SCREENSHOTS !== '1') return;
  const dir = join(ROOT, 'docs', 'screenshots');
  mkdirSync(dir, { recursive: true });
  await page.screenshot({ path: join(dir, `${name}.png`), fullPage });
}

/** Starts the harness with the wizard already run and the renderer open (at `view`): how most UI tests begin. */
export async function startConfiguredUi(t: TestContext, view?: 'dashboard' | 'settings'): Promise<UiHarness | null> {
  const ui = await startUiHarness(t);
  if (!ui) return null;
  await ui.configure();
  await ui.open(view);
  return ui;
}

/** Clicks the dashboard's "Back up now" (it starts the database snapshot and the file backup). */
export async function backUpNow(page: Page): Promise<void> {
  await page.click('[data-action=backup-now]');
}

/** Waits until the history lists a successful database snapshot and a successful file backup. */
export async function waitForBackupSuccess(page: Page): Promise<void> {
  await page.waitForSelector('[data-testid=history] tr[data-job=snapshot][data-result=success]', { timeout: 30_000 });
  await page.waitForSelector('[data-testid=history] tr[data-job=backup][data-result=success]', { timeout: 30_000 });
}
