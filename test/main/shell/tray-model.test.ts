import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { DashboardState, JobProgressView, TierView } from '../../../preload/ipc-contract.ts';
import { buildTrayModel, marketCloseFromConfig, TRAY_STATUSES, trayStatus, type TrayMenuItem, type TrayModel } from '../../../main/shell/tray-model.ts';

const NOW = new Date('2026-03-10T15:00:00Z');

function tier(n: 1 | 2 | 3, lastSuccess: string | null): TierView {
  return { tier: n, label: ['', 'Tier 1 (critical)', 'Tier 2 (important)', 'Tier 3 (standard)'][n]!, state: 'healthy', lastSuccess, nextRun: null, ageSeconds: null, rpoSeconds: 900 };
}

/** A configured, healthy state; each test changes what it is about. */
function state(overrides: Partial<DashboardState> = {}): DashboardState {
  return {
    configured: true,
    scheduler: { host: 'this-app', detail: 'this app' },
    overall: 'healthy',
    tiers: [tier(3, '2026-03-09T23:00:00Z'), tier(1, '2026-03-10T14:48:00Z'), tier(2, null)],
    destinations: [],
    replication: null,
    alerts: [],
    running: [],
    paused: null,
    jobs: [],
    recentRuns: [],
    updatedAt: NOW.toISOString(),
    ...overrides,
  };
}

const progress: JobProgressView = { job: 'snapshot', runId: 7, phase: 'copy', bytes: 10, totalBytes: 100, percent: 42.7, etaSeconds: 90 };

function model(s: DashboardState | null, marketClose = '16:00'): TrayModel {
  return buildTrayModel({ state: s, now: NOW, marketClose });
}

function items(m: TrayModel): Extract<TrayMenuItem, { kind: 'item' }>[] {
  return m.menu.filter((i): i is Extract<TrayMenuItem, { kind: 'item' }> => i.kind === 'item');
}

function enabledIds(m: TrayModel): string[] {
  return items(m).filter((i) => i.enabled).map((i) => i.id);
}

const critical = { id: 3, key: 'no-recent-backup:tier-1', severity: 'critical' as const, title: 'No backup in 45 min', message: 'Tier 1 has no snapshot.', openedAt: '2026-03-10T14:30:00Z', resolvedAt: null };

test('every state maps to its own icon', () => {
  const cases: [DashboardState | null, string][] = [
    [null, 'not-configured'],
    [state({ configured: false }), 'not-configured'],
    [state(), 'healthy'],
    [state({ overall: 'warning' }), 'warning'],
    [state({ overall: 'unknown' }), 'warning'],
    [state({ overall: 'critical' }), 'critical'],
    [state({ running: [progress] }), 'running'],
    [state({ running: [progress], overall: 'critical' }), 'running'],
    [state({ paused: { until: '2026-03-10T21:00:00Z', reason: 'maintenance' } }), 'paused'],
    [state({ paused: { until: null, reason: 'maintenance' }, overall: 'critical' }), 'critical'],
    [state({ paused: { until: null, reason: 'maintenance' }, overall: 'warning' }), 'paused'],
  ];
  for (const [s, expected] of cases) {
    assert.equal(trayStatus(s), expected, JSON.stringify({ configured: s?.configured, overall: s?.overall, running: s?.running.length, paused: s?.paused }));
    assert.equal(model(s).icon, `tray-${expected}`);
  }
  const seen = new Set(cases.map(([s]) => trayStatus(s)));
  assert.deepEqual([...seen].sort(), [...TRAY_STATUSES].sort(), 'the cases cover every status');
});

test('the tooltip names the last success of every tier, in tier order', () => {
  const tip = model(state()).tooltip;
  const lines = tip.split('\n');
  assert.equal(lines[0], 'QuantAI Backup: all backups healthy');
  assert.deepEqual(lines.slice(1), [
    'Tier 1 (critical): last success 12 min ago',
    'Tier 2 (important): no successful backup yet',
    'Tier 3 (standard): last success 16 h ago',
  ]);
});

test('running shows progress in the tooltip and the title', () => {
  const m = model(state({ running: [progress] }));
  assert.match(m.tooltip, /Running snapshot \(copy\), 42%, 2 min left/);
  assert.equal(m.title, '42%');
  const unknownTotal = model(state({ running: [{ job: 'backup', runId: 8, phase: 'scan', bytes: 0 }] }));
  assert.equal(unknownTotal.title, '…');
  assert.match(unknownTotal.tooltip, /Running backup \(scan\)$/m);
  assert.equal(model(state()).title, '', 'no title when idle');
});

test('the menu has the fixed items in order', () => {
  const ids = model(state()).menu.map((i) => (i.kind === 'item' ? i.id : '---'));
  assert.deepEqual(ids, ['backup-now', 'restore-test', 'pause', '---', 'open-dashboard', 'open-settings', 'open-logs', '---', 'quit']);
});

test('healthy: everything enabled; pause goes until market close', () => {
  const m = model(state(), '16:30');
  assert.deepEqual(enabledIds(m), ['backup-now', 'restore-test', 'pause', 'open-dashboard', 'open-settings', 'open-logs', 'quit']);
  const pause = items(m).find((i) => i.id === 'pause')!;
  assert.equal(pause.label, 'Pause until market close (16:30)');
  assert.deepEqual(pause.action, { type: 'pause', until: '16:30', reason: 'paused from the tray until market close' });
});

test('not configured: only the dashboard, settings, logs and quit', () => {
  for (const s of [null, state({ configured: false })]) {
    const m = model(s);
    assert.deepEqual(enabledIds(m), ['open-dashboard', 'open-settings', 'open-logs', 'quit']);
    assert.match(m.tooltip, /not set up yet/);
    assert.equal(items(m).find((i) => i.id === 'open-dashboard')!.label, 'Set up QuantAI Backup…');
  }
});

test('paused: Resume replaces Pause and says until when', () => {
  const until = new Date(2026, 2, 10, 16, 0).toISOString();
  const m = model(state({ paused: { until, reason: 'maintenance' } }));
  const ids = items(m).map((i) => i.id);
  assert.ok(ids.includes('resume') && !ids.includes('pause'));
  const resume = items(m).find((i) => i.id === 'resume')!;
  assert.equal(resume.label, 'Resume (paused until 16:00)');
  assert.ok(resume.enabled);
  assert.match(m.tooltip, /Paused until 16:00: maintenance/);
  assert.equal(items(model(state({ paused: { until: null, reason: 'x' } }))).find((i) => i.id === 'resume')!.label, 'Resume');
});

test('a running backup disables Back up now; a running drill disables Run restore test', () => {
  const backing = model(state({ running: [progress] }));
  assert.ok(!enabledIds(backing).includes('backup-now'));
  assert.ok(enabledIds(backing).includes('restore-test'));
  assert.equal(items(backing)[0]!.label, 'Backing up…');
  const drilling = model(state({ running: [{ job: 'drill', runId: 9, phase: 'restore', bytes: 0 }] }));
  assert.ok(enabledIds(drilling).includes('backup-now'));
  assert.ok(!enabledIds(drilling).includes('restore-test'));
});

test('warning and critical list open alerts in the tooltip; resolved ones are left out', () => {
  const m = model(state({ overall: 'critical', alerts: [critical, { ...critical, id: 4, title: 'Old', resolvedAt: '2026-03-10T14:50:00Z' }] }));
  assert.match(m.tooltip, /^QuantAI Backup: backups at risk/);
  assert.match(m.tooltip, /1 open alert: No backup in 45 min/);
  assert.doesNotMatch(m.tooltip, /Old/);
  assert.match(model(state({ overall: 'warning' })).tooltip, /^QuantAI Backup: needs attention/);
  assert.deepEqual(enabledIds(m), ['backup-now', 'restore-test', 'pause', 'open-dashboard', 'open-settings', 'open-logs', 'quit']);
});

test('a daemon-hosted schedule is named in the tooltip', () => {
  const m = model(state({ scheduler: { host: 'daemon', detail: '`quantai-backup daemon` (pid 4242)' } }));
  assert.match(m.tooltip, /Schedule run by `quantai-backup daemon` \(pid 4242\)/);
});

test('market close comes from the market-hours blackout, else 16:00', () => {
  assert.equal(marketCloseFromConfig({ schedule: { blackouts: [{ name: 'lunch', end: '13:00' }, { name: 'Market hours', end: '16:15' }] } }), '16:15');
  assert.equal(marketCloseFromConfig({ schedule: { blackouts: [] } }), '16:00');
  assert.equal(marketCloseFromConfig(null), '16:00');
  assert.equal(marketCloseFromConfig({ schedule: 'nonsense' }), '16:00');
});
