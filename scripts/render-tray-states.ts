/**
 * Draws docs/screenshots/tray-states.png: what the tray shows in each of its
 * six states, rendered from the real tray model (main/shell/tray-model.ts) and
 * the real icon files in assets/tray. The native menu and tooltip are drawn by
 * the OS; this page imitates them so the README can show every state without
 * launching Electron. Run: node --import tsx scripts/render-tray-states.ts
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import type { AlertView, DashboardState, JobProgressView, TierView } from '../preload/ipc-contract.ts';
import { buildTrayModel, TRAY_STATUSES, type TrayModel, type TrayStatus } from '../main/shell/tray-model.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const OUT = join(root, 'docs', 'screenshots', 'tray-states.png');
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** Local times, so the 'HH:MM' the model prints does not depend on the machine's zone. */
const NOW = new Date(2026, 2, 10, 15, 12);
const MARKET_CLOSE = '16:00';
const minutesAgo = (m: number): string => new Date(NOW.getTime() - m * 60_000).toISOString();

const TIER_LABELS = { 1: 'Tier 1 (critical)', 2: 'Tier 2 (important)', 3: 'Tier 3 (standard)' } as const;
const RPO_SECONDS = { 1: 900, 2: 3600, 3: 86_400 } as const;

function tier(n: 1 | 2 | 3, lastSuccessMinutesAgo: number | null, state: TierView['state'] = 'healthy'): TierView {
  return {
    tier: n, label: TIER_LABELS[n], state, rpoSeconds: RPO_SECONDS[n], nextRun: null,
    lastSuccess: lastSuccessMinutesAgo === null ? null : minutesAgo(lastSuccessMinutesAgo),
    ageSeconds: lastSuccessMinutesAgo === null ? null : lastSuccessMinutesAgo * 60,
  };
}

function alert(id: number, severity: AlertView['severity'], key: string, title: string, openedMinutesAgo: number): AlertView {
  return { id, key, severity, title, message: title, openedAt: minutesAgo(openedMinutesAgo), resolvedAt: null };
}

/** A configured workstation where everything is fine; each state changes what it is about. */
function state(overrides: Partial<DashboardState> = {}): DashboardState {
  return {
    configured: true,
    scheduler: { host: 'this-app', detail: 'this app' },
    overall: 'healthy',
    tiers: [tier(1, 6), tier(2, 38), tier(3, 972)],
    destinations: [],
    alerts: [],
    running: [],
    paused: null,
    jobs: [],
    recentRuns: [],
    updatedAt: NOW.toISOString(),
    ...overrides,
  };
}

const snapshotProgress: JobProgressView = {
  job: 'snapshot', runId: 412, phase: 'copy', bytes: 1_834_000_000, totalBytes: 4_295_000_000, percent: 42.7, etaSeconds: 95,
};

const STATES: Record<TrayStatus, { caption: string; state: DashboardState | null }> = {
  healthy: { caption: 'Healthy', state: state() },
  warning: {
    caption: 'Warning',
    state: state({
      overall: 'warning',
      alerts: [alert(21, 'warning', 'destination-stale:offsite-usb', "Offsite copy 'offsite-usb' is 9 days old", 180)],
    }),
  },
  critical: {
    caption: 'Critical',
    state: state({
      overall: 'critical',
      tiers: [tier(1, 72, 'critical'), tier(2, 72, 'warning'), tier(3, 972)],
      alerts: [alert(22, 'critical', 'no-recent-backup:tier-1', 'No backup in the last hour: Tier 1 (critical)', 22)],
    }),
  },
  running: { caption: 'Running, with progress', state: state({ tiers: [tier(1, 15), tier(2, 38), tier(3, 972)], running: [snapshotProgress] }) },
  paused: {
    caption: 'Paused until market close',
    state: state({ paused: { until: new Date(2026, 2, 10, 16, 0).toISOString(), reason: 'paused from the tray until market close' } }),
  },
  'not-configured': { caption: 'Not set up (first run)', state: null },
};

function dataUrl(path: string): string {
  return `data:image/png;base64,${readFileSync(path).toString('base64')}`;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function menuHtml(model: TrayModel): string {
  return model.menu.map((item) => item.kind === 'separator'
    ? '<li class="sep" role="separator"></li>'
    : `<li class="${item.enabled ? '' : 'disabled'}">${escapeHtml(item.label)}</li>`).join('');
}

function cellHtml(status: TrayStatus): string {
  const { caption, state: dashboardState } = STATES[status];
  const model = buildTrayModel({ state: dashboardState, now: NOW, marketClose: MARKET_CLOSE });
  if (model.status !== status) throw new Error(`the ${status} example gives status ${model.status}`);
  const linuxIcon = dataUrl(join(root, 'assets', 'tray', 'linux', `${model.icon}@2x.png`));
  const macIcon = dataUrl(join(root, 'assets', 'tray', 'mac', `${model.icon}Template@2x.png`));
  return `<section class="cell">
  <h2><img class="badge" src="${linuxIcon}" alt="">${escapeHtml(caption)} <code>${model.status}</code></h2>
  <div class="bars">
    <div class="bar linux" title="Linux / Windows tray"><span class="os">Linux</span><span class="dim"></span><span class="slot active"><img src="${linuxIcon}" alt=""></span><span class="dim"></span><span class="clock">15:12</span></div>
    <div class="bar mac" title="macOS menu bar"><span class="os">macOS</span><span class="slot"><img src="${macIcon}" alt="">${model.title ? `<span class="title">${escapeHtml(model.title)}</span>` : ''}</span><span class="clock">15:12</span></div>
  </div>
  <div class="label">Tooltip (hover)</div>
  <div class="tooltip">${escapeHtml(model.tooltip)}</div>
  <div class="label">Menu (click)</div>
  <ul class="menu">${menuHtml(model)}</ul>
</section>`;
}

const CSS = `
  * { box-sizing: border-box; }
  body { margin: 0; background: #eef1f4; font: 14px/1.4 system-ui, 'DejaVu Sans', sans-serif; color: #1f2328; }
  main { width: 1180px; padding: 20px 24px 16px; }
  h1 { font-size: 20px; margin: 0 0 2px; }
  p.caption { margin: 0 0 16px; color: #57606a; font-size: 13.5px; }
  .grid { display: grid; grid-template-columns: repeat(3, minmax(0, 1fr)); gap: 16px; }
  .cell { background: #fff; border: 1px solid #d0d7de; border-radius: 8px; padding: 12px 14px 14px; }
  h2 { font-size: 15px; margin: 0 0 10px; white-space: nowrap; display: flex; align-items: center; gap: 8px; }
  h2 code { white-space: nowrap; font-size: 12px; font-weight: normal; color: #57606a; background: #f3f4f6; padding: 1px 5px; border-radius: 4px; }
  .badge { width: 16px; height: 16px; }
  .bars { display: flex; gap: 8px; margin-bottom: 10px; }
  .bar { flex: 1 1 0; min-width: 0; white-space: nowrap; height: 28px; border-radius: 5px; display: flex; align-items: center; gap: 6px; padding: 0 8px; font-size: 12px; }
  .bar .os { margin-right: auto; opacity: .7; overflow: hidden; }
  .bar.linux { background: #1d1d1d; color: #eee; }
  .bar.mac { background: #e8e8e8; color: #111; border: 1px solid #ccc; }
  .dim { flex: none; width: 12px; height: 12px; border-radius: 3px; background: #555; }
  .slot { flex: none; display: flex; align-items: center; gap: 4px; padding: 3px 5px; border-radius: 4px; }
  .slot img { width: 16px; height: 16px; display: block; }
  .slot.active { background: #4a4a4a; }
  .slot .title { font-weight: 600; font-variant-numeric: tabular-nums; }
  .label { font-size: 11px; text-transform: uppercase; letter-spacing: .04em; color: #6e7781; margin: 6px 0 3px; }
  .tooltip { white-space: pre-wrap; background: #2b2b2b; color: #f2f2f2; font-size: 12.5px; line-height: 1.45;
    padding: 6px 9px; border-radius: 5px; box-shadow: 0 2px 6px rgba(0,0,0,.25); margin-bottom: 8px; }
  .menu { list-style: none; margin: 0; padding: 4px 0; width: 290px; background: #fff; border: 1px solid #c4c4c4;
    border-radius: 6px; box-shadow: 0 4px 14px rgba(0,0,0,.18); font-size: 13.5px; }
  .menu li { padding: 4px 16px; }
  .menu li.disabled { color: #a0a0a0; }
  .menu li.sep { padding: 0; margin: 4px 0; border-top: 1px solid #dcdcdc; }
`;

function pageHtml(): string {
  return `<!doctype html><html><head><meta charset="utf-8"><style>${CSS}</style></head><body><main>
<h1>QuantAI Backup in the system tray</h1>
<p class="caption">Rendered from the tray model (<code>main/shell/tray-model.ts</code>) and the real icons in <code>assets/tray</code>;
in the app the tooltip and the native menu are drawn by the OS, so they look like the desktop's own. Greyed items are disabled.
The percentage beside the icon is shown on macOS only.</p>
<div class="grid">${TRAY_STATUSES.map(cellHtml).join('\n')}</div>
</main></body></html>`;
}

async function main(): Promise<void> {
  const profile = mkdtempSync(join(tmpdir(), 'qb-tray-shot-'));
  try {
    const context = await chromium.launchPersistentContext(profile, {
      executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS, headless: true,
      viewport: { width: 1180, height: 800 }, deviceScaleFactor: 2,
    });
    try {
      const page = context.pages()[0] ?? await context.newPage();
      await page.setContent(pageHtml(), { waitUntil: 'load' });
      await page.locator('main').screenshot({ path: OUT });
    } finally {
      await context.close();
    }
  } finally {
    rmSync(profile, { recursive: true, force: true });
  }
  console.log(`wrote ${OUT}`);
}

await main();
