/**
 * The tray as a pure function of the dashboard state: which icon, what the
 * tooltip says (last success per tier), and the menu. Electron only applies
 * the result (tray.ts), so every decision here is unit-tested without a
 * display.
 */
import type { DashboardState, JobProgressView } from '../../preload/ipc-contract.ts';

export type TrayStatus = 'healthy' | 'warning' | 'critical' | 'running' | 'paused' | 'not-configured';

export const TRAY_STATUSES: readonly TrayStatus[] = ['healthy', 'warning', 'critical', 'running', 'paused', 'not-configured'];

export type TrayAction =
  | { type: 'backup-now' }
  | { type: 'restore-test' }
  | { type: 'pause'; until: string; reason: string }
  | { type: 'resume' }
  | { type: 'open-dashboard' }
  | { type: 'open-settings' }
  | { type: 'open-logs' }
  | { type: 'quit' };

export type TrayMenuItem =
  | { kind: 'item'; id: TrayAction['type']; label: string; enabled: boolean; action: TrayAction }
  | { kind: 'separator' };

export interface TrayModel {
  status: TrayStatus;
  /** Base name of the icon files in assets/tray (tray.ts adds platform suffixes). */
  icon: `tray-${TrayStatus}`;
  tooltip: string;
  /** Short text beside the icon where the platform shows one (macOS): progress while running. */
  title: string;
  menu: TrayMenuItem[];
}

export interface TrayInput {
  /** null until the first state arrives, or when the catalog cannot be read. */
  state: DashboardState | null;
  now: Date;
  /** 'HH:MM' on the exchange's clock: the end of the market-hours blackout. */
  marketClose: string;
}

/** Jobs that "Back up now" starts: while one runs, starting again only coalesces, so the item is off. */
const BACKUP_JOBS = new Set(['snapshot', 'backup', 'full']);
const DRILL_JOBS = new Set(['drill']);

export function trayStatus(state: DashboardState | null): TrayStatus {
  if (state === null || !state.configured) return 'not-configured';
  // Running first: the user just asked for it (or it is the scheduled run) and wants to see progress;
  // the health stays in the tooltip.
  if (state.running.length > 0) return 'running';
  // A critical problem outranks a deliberate pause: pausing must not hide that backups are failing.
  if (state.overall === 'critical') return 'critical';
  if (state.paused !== null) return 'paused';
  // 'unknown' means no evidence yet (nothing ran): not healthy, so it shows as a warning.
  if (state.overall === 'warning' || state.overall === 'unknown') return 'warning';
  return 'healthy';
}

export function buildTrayModel(input: TrayInput): TrayModel {
  const { state, now } = input;
  const status = trayStatus(state);
  return {
    status,
    icon: `tray-${status}`,
    tooltip: tooltip(state, status, now),
    title: status === 'running' && state ? progressTitle(state.running) : '',
    menu: menu(input, status),
  };
}

const STATUS_TEXT: Record<TrayStatus, string> = {
  healthy: 'all backups healthy',
  warning: 'needs attention',
  critical: 'backups at risk',
  running: 'backing up',
  paused: 'paused',
  'not-configured': 'not set up yet',
};

function tooltip(state: DashboardState | null, status: TrayStatus, now: Date): string {
  const lines = [`QuantAI Backup: ${STATUS_TEXT[status]}`];
  if (state === null || !state.configured) {
    lines.push('Open the dashboard to set up a repository.');
    return lines.join('\n');
  }
  for (const job of state.running) lines.push(describeProgress(job));
  if (state.paused) lines.push(state.paused.until ? `Paused until ${clock(state.paused.until)}: ${state.paused.reason}` : `Paused: ${state.paused.reason}`);
  for (const tier of [...state.tiers].sort((a, b) => a.tier - b.tier)) {
    lines.push(`${tier.label}: ${tier.lastSuccess ? `last success ${ago(tier.lastSuccess, now)}` : 'no successful backup yet'}`);
  }
  const open = state.alerts.filter((a) => a.resolvedAt === null);
  if (open.length > 0) lines.push(`${open.length} open alert${open.length === 1 ? '' : 's'}: ${open[0]!.title}`);
  if (state.scheduler.host === 'daemon') lines.push(`Schedule run by ${state.scheduler.detail}`);
  return lines.join('\n');
}

function describeProgress(job: JobProgressView): string {
  const parts = [`Running ${job.job} (${job.phase})`];
  if (job.percent !== undefined) parts.push(`${Math.floor(job.percent)}%`);
  if (job.etaSeconds !== undefined) parts.push(`${duration(job.etaSeconds)} left`);
  return parts.join(', ');
}

function progressTitle(running: JobProgressView[]): string {
  const first = running[0];
  if (!first) return '';
  return first.percent !== undefined ? `${Math.floor(first.percent)}%` : '…';
}

function menu(input: TrayInput, status: TrayStatus): TrayMenuItem[] {
  const state = input.state;
  const configured = status !== 'not-configured';
  const running = new Set(state?.running.map((j) => j.job) ?? []);
  const backupRunning = [...running].some((j) => BACKUP_JOBS.has(j));
  const drillRunning = [...running].some((j) => DRILL_JOBS.has(j));
  const item = (action: TrayAction, label: string, enabled: boolean): TrayMenuItem => ({ kind: 'item', id: action.type, label, enabled, action });
  const pauseItem = state?.paused
    ? item({ type: 'resume' }, state.paused.until ? `Resume (paused until ${clock(state.paused.until)})` : 'Resume', configured)
    : item({ type: 'pause', until: input.marketClose, reason: 'paused from the tray until market close' }, `Pause until market close (${input.marketClose})`, configured);
  return [
    item({ type: 'backup-now' }, backupRunning ? 'Backing up…' : 'Back up now', configured && !backupRunning),
    item({ type: 'restore-test' }, drillRunning ? 'Restore test running…' : 'Run restore test', configured && !drillRunning),
    pauseItem,
    { kind: 'separator' },
    item({ type: 'open-dashboard' }, configured ? 'Open dashboard' : 'Set up QuantAI Backup…', true),
    item({ type: 'open-settings' }, 'Settings', true),
    item({ type: 'open-logs' }, 'Open logs', true),
    { kind: 'separator' },
    item({ type: 'quit' }, 'Quit', true),
  ];
}

/** The market-hours blackout's end from config.json's schedule section, or 16:00. */
export function marketCloseFromConfig(config: Record<string, unknown> | null): string {
  const schedule = config?.['schedule'];
  const blackouts = schedule && typeof schedule === 'object' ? (schedule as Record<string, unknown>)['blackouts'] : undefined;
  if (Array.isArray(blackouts)) {
    const market = blackouts.find((b): b is { name: string; end: string } =>
      typeof b === 'object' && b !== null && typeof (b as { end?: unknown }).end === 'string' && /market/i.test(String((b as { name?: unknown }).name)));
    if (market && /^\d{2}:\d{2}$/.test(market.end)) return market.end;
  }
  return '16:00';
}

function ago(iso: string, now: Date): string {
  const seconds = Math.round((now.getTime() - new Date(iso).getTime()) / 1000);
  if (!Number.isFinite(seconds)) return 'at an unknown time';
  if (seconds < 60) return 'just now';
  return `${duration(seconds)} ago`;
}

function duration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.round(s / 60)} min`;
  if (s < 48 * 3600) return `${Math.round(s / 3600)} h`;
  return `${Math.round(s / 86400)} d`;
}

/** 'HH:MM' of an ISO time in the machine's zone (the tray shows local time). */
function clock(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;
}
