/**
 * The engine's alert glue: evaluate the alert rules, reconcile them with the
 * open alerts and deliver what changed; send a channel's test message; list
 * alerts with their delivery state. The scheduler calls the evaluation every
 * minute and after every job, so it is cheap when nothing changed and never
 * throws because a channel is down.
 */
import type { Config } from '../config/config-schema.ts';
import { CHANNEL_NAMES, type ChannelName } from '../config/alerts-schema.ts';
import type { JobContext } from '../engine.ts';
import { BackupError } from '../errors.ts';
import { AlertDispatcher, type ReconcileResult } from '../health/alert-dispatcher.ts';
import { composeTestMessage } from '../health/alert-messages.ts';
import { AlertStore, type NotificationRecord } from '../health/alert-store.ts';
import type { AlertCondition, AlertRecord } from '../health/alert-types.ts';
import { buildHealthReport } from '../health/health-report.ts';
import { buildNotifiers, channelUnusable } from '../health/notifiers/channel-notifiers.ts';
import { createDesktopNotifier } from '../health/notifiers/desktop-notifier.ts';
import { redact } from '../health/notifiers/notifier.ts';
import type { SecretSource } from '../secrets/password-source.ts';

/** Where the conditions come from: the health report's alert rules, or a test's own list. */
export type ConditionSource = (ctx: JobContext, config: Config) => Promise<AlertCondition[]>;

export const healthConditions: ConditionSource = async (ctx, config) => (await buildHealthReport(ctx, config)).conditions;

export interface AlertsEvaluation extends ReconcileResult {
  /** Alerts open after this evaluation. */
  open: number;
}

// One evaluation at a time per engine: the minute tick and an after-job call
// overlapping would otherwise both see a new condition and both notify.
const running = new WeakMap<object, Promise<unknown>>();

export async function runAlertsEvaluation(
  ctx: JobContext, config: Config, secrets: SecretSource, conditions: ConditionSource = healthConditions,
): Promise<AlertsEvaluation> {
  const previous = running.get(ctx.engine) ?? Promise.resolve();
  const next = previous.catch(() => undefined).then(() => evaluateOnce(ctx, config, secrets, conditions));
  running.set(ctx.engine, next);
  return next;
}

async function evaluateOnce(ctx: JobContext, config: Config, secrets: SecretSource, conditions: ConditionSource): Promise<AlertsEvaluation> {
  const found = await conditions(ctx, config);
  const channels = await buildNotifiers(config.alerts, { secrets, events: ctx.events });
  const store = new AlertStore(ctx.catalog.database);
  const dispatcher = new AlertDispatcher({
    store, notifiers: channels.notifiers, config: config.alerts, hostname: ctx.hostname, logger: ctx.logger, secrets: channels.secrets,
  });
  const result = await dispatcher.reconcile(found, ctx.clock.now());
  if (result.opened > 0 || result.resolved > 0) {
    ctx.logger.log('info', `alerts: ${result.opened} opened, ${result.resolved} resolved`, { ...result });
  }
  return { ...result, open: store.openAlerts().length };
}

export interface ChannelTestResult {
  channel: ChannelName;
  ok: true;
}

/** Sends a test message through one channel; throws a BackupError saying why it could not. */
export async function sendTestAlert(ctx: JobContext, config: Config, secrets: SecretSource, channel: ChannelName): Promise<ChannelTestResult> {
  if (!CHANNEL_NAMES.includes(channel)) {
    throw new BackupError('permanent', `unknown alert channel "${String(channel)}": use one of ${CHANNEL_NAMES.join(', ')}`);
  }
  const unusable = channelUnusable(config.alerts, channel);
  if (unusable) throw new BackupError('permanent', unusable);
  const channels = await buildNotifiers(config.alerts, { secrets, events: ctx.events });
  const notifier = channel === 'desktop' ? createDesktopNotifier({ events: ctx.events }) : channels.notifiers.get(channel)!;
  const store = new AlertStore(ctx.catalog.database);
  const now = ctx.clock.now();
  try {
    await notifier.send(composeTestMessage(channel, { hostname: ctx.hostname, now }));
  } catch (err) {
    const message = redact(err instanceof Error ? err.message : String(err), channels.secrets);
    store.recordNotification({ alertId: null, channel, kind: 'test', time: now.toISOString(), ok: false, attempts: 1, error: message });
    throw new BackupError(err instanceof BackupError ? err.kind : 'transient', message);
  }
  store.recordNotification({ alertId: null, channel, kind: 'test', time: now.toISOString(), ok: true, attempts: 1, error: null });
  return { channel, ok: true };
}

/** The latest attempt per channel: what a person wants to know ("did Slack get it?"). */
export interface ChannelDelivery {
  kind: NotificationRecord['kind'];
  ok: boolean;
  time: string;
  attempts: number;
  error: string | null;
}

export interface AlertView extends AlertRecord {
  notifications: Partial<Record<ChannelName, ChannelDelivery>>;
}

export interface AlertsOverview {
  /** Channels turned on in the config (desktop: unless alerts.desktop is 'off'). */
  channels: Record<ChannelName, boolean>;
  open: AlertView[];
  /** Resolved in the last `resolvedDays` days, newest first. */
  resolved: AlertView[];
  /** The latest `alerts test` per channel. */
  tests: Partial<Record<ChannelName, ChannelDelivery>>;
}

export function alertsOverview(ctx: JobContext, config: Config, options: { resolvedDays?: number; limit?: number } = {}): AlertsOverview {
  const store = new AlertStore(ctx.catalog.database);
  const since = new Date(ctx.clock.now().getTime() - (options.resolvedDays ?? 7) * 24 * 60 * 60_000);
  const view = (alert: AlertRecord): AlertView => ({ ...alert, notifications: latestPerChannel(store.notificationsFor(alert.id)) });
  return {
    channels: {
      email: config.alerts.email.enabled,
      slack: config.alerts.slack.enabled,
      sms: config.alerts.sms.enabled,
      desktop: config.alerts.desktop !== 'off',
    },
    open: store.openAlerts().map(view),
    resolved: store.resolvedSince(since, options.limit ?? 20).map(view),
    tests: latestPerChannel(store.lastTests()),
  };
}

function latestPerChannel(records: readonly NotificationRecord[]): Partial<Record<ChannelName, ChannelDelivery>> {
  const out: Partial<Record<ChannelName, ChannelDelivery>> = {};
  for (const r of records) out[r.channel] = { kind: r.kind, ok: r.ok, time: r.time, attempts: r.attempts, error: r.error };
  return out;
}
