/**
 * Turns the alert rules' current conditions into notifications, once per
 * alert: a new condition opens an alert and tells its routed channels; the
 * same condition later stays quiet until the reminder interval has passed; a
 * condition that is gone resolves its alert and tells the channels that got
 * it. A failing channel is logged in `notifications` and retried on a later
 * reconcile with exponential backoff; it never stops the other channels.
 */
import type { AlertsConfig, ChannelName } from '../config/alerts-schema.ts';
import type { Logger } from '../logger.ts';
import { composeAlertMessage } from './alert-messages.ts';
import type { AlertStore, NotificationRecord } from './alert-store.ts';
import type { AlertCondition, AlertRecord, Severity } from './alert-types.ts';
import { redact, withDeadline, type MessageKind, type Notifier } from './notifiers/notifier.ts';

/** First retry after a minute, then 2, 4, 8 ... minutes, never more than an hour apart. */
export const RETRY_BASE_MS = 60_000;
export const RETRY_MAX_MS = 60 * 60_000;
/** A resolved notice that could not be delivered is given up a week after the alert resolved. */
export const RESOLVED_NOTICE_WINDOW_MS = 7 * 24 * 60 * 60_000;

export interface DispatcherOptions {
  store: AlertStore;
  /** The channels that can deliver right now (enabled, and for desktop: a host listening). */
  notifiers: ReadonlyMap<ChannelName, Notifier>;
  config: Pick<AlertsConfig, 'routing' | 'reminderMinutes' | 'desktop' | 'timeoutSeconds'>;
  hostname: string;
  logger: Logger;
  /** Secret values to scrub from any error before it is logged or stored. */
  secrets?: readonly string[];
}

export interface ReconcileResult {
  opened: number;
  reminded: number;
  resolved: number;
  delivered: number;
  failedDeliveries: number;
}

interface Delivery {
  alert: AlertRecord;
  channel: ChannelName;
  kind: Exclude<MessageKind, 'test'>;
  attempts: number;
}

export function retryDelayMs(failedAttempts: number): number {
  return Math.min(RETRY_MAX_MS, RETRY_BASE_MS * 2 ** Math.max(0, failedAttempts - 1));
}

export class AlertDispatcher {
  private readonly options: DispatcherOptions;

  constructor(options: DispatcherOptions) {
    this.options = options;
  }

  async reconcile(conditions: readonly AlertCondition[], now: Date): Promise<ReconcileResult> {
    const { store } = this.options;
    const result: ReconcileResult = { opened: 0, reminded: 0, resolved: 0, delivered: 0, failedDeliveries: 0 };
    const deliveries: Delivery[] = [];
    const open = new Map(store.openAlerts().map((a) => [a.key, a]));
    const current = new Set<string>();
    const reminderMs = this.options.config.reminderMinutes * 60_000;

    for (const condition of dedupe(conditions)) {
      current.add(condition.key);
      const existing = open.get(condition.key);
      if (!existing) {
        const { alert, created } = store.openAlert(condition, now);
        if (!created) continue;
        const notified = store.markNotified(alert.id, now);
        result.opened++;
        for (const channel of this.targets(notified.severity, 'opened')) deliveries.push({ alert: notified, channel, kind: 'opened', attempts: 1 });
        continue;
      }
      let alert = changed(existing, condition) ? store.refreshAlert(existing.id, condition) : existing;
      const since = Date.parse(alert.lastNotifiedAt ?? alert.openedAt);
      if (now.getTime() - since >= reminderMs) {
        alert = store.markNotified(alert.id, now);
        result.reminded++;
        for (const channel of this.targets(alert.severity, 'reminder')) deliveries.push({ alert, channel, kind: 'reminder', attempts: 1 });
        continue;
      }
      for (const channel of this.targets(alert.severity, 'opened')) {
        const last = store.lastNotification(alert.id, channel);
        // A channel with nothing yet: newly enabled, or the alert became critical.
        if (!last) deliveries.push({ alert, channel, kind: 'opened', attempts: 1 });
        else if (last.kind !== 'resolved' && last.kind !== 'test' && dueForRetry(last, now)) deliveries.push({ alert, channel, kind: last.kind, attempts: last.attempts + 1 });
      }
    }

    for (const alert of open.values()) {
      if (current.has(alert.key)) continue;
      store.resolveAlert(alert.id, now);
      result.resolved++;
    }

    for (const { alert, channels } of store.awaitingResolvedNotice(new Date(now.getTime() - RESOLVED_NOTICE_WINDOW_MS))) {
      for (const channel of channels) {
        if (!this.options.notifiers.has(channel) || !this.wants(channel, 'resolved')) continue;
        const last = store.lastNotification(alert.id, channel, 'resolved');
        if (!last) deliveries.push({ alert, channel, kind: 'resolved', attempts: 1 });
        else if (dueForRetry(last, now)) deliveries.push({ alert, channel, kind: 'resolved', attempts: last.attempts + 1 });
      }
    }

    const outcomes = await Promise.all(deliveries.map((d) => this.deliver(d, now)));
    for (const ok of outcomes) {
      if (ok) result.delivered++;
      else result.failedDeliveries++;
    }
    return result;
  }

  /** The routed channels for a severity that can deliver now and want this kind of message. */
  private targets(severity: Severity, kind: Exclude<MessageKind, 'test'>): ChannelName[] {
    return [...new Set(this.options.config.routing[severity])].filter((c) => this.options.notifiers.has(c) && this.wants(c, kind));
  }

  private wants(channel: ChannelName, kind: MessageKind): boolean {
    if (channel !== 'desktop') return true;
    const level = this.options.config.desktop;
    return level === 'all' || (level === 'warnings' && kind !== 'resolved');
  }

  /** Sends one message and records the attempt; true when the channel accepted it. */
  private async deliver(d: Delivery, now: Date): Promise<boolean> {
    const { store, logger, hostname } = this.options;
    const notifier = this.options.notifiers.get(d.channel)!;
    const message = composeAlertMessage(d.kind, d.alert, { hostname, now });
    const timeoutMs = Math.round(this.options.config.timeoutSeconds * 1000) + 1000;
    try {
      // The notifiers keep their own deadlines; this one also covers a notifier that hangs past it.
      await withDeadline(d.channel, timeoutMs, () => notifier.send(message));
      store.recordNotification({ alertId: d.alert.id, channel: d.channel, kind: d.kind, time: now.toISOString(), ok: true, attempts: d.attempts, error: null });
      logger.log('info', `alert ${d.kind} sent`, { channel: d.channel, alert: d.alert.key, attempts: d.attempts });
      return true;
    } catch (err) {
      const error = redact(err instanceof Error ? err.message : String(err), this.options.secrets ?? []);
      store.recordNotification({ alertId: d.alert.id, channel: d.channel, kind: d.kind, time: now.toISOString(), ok: false, attempts: d.attempts, error });
      logger.log('warn', `alert ${d.kind} not delivered; will retry in ${Math.round(retryDelayMs(d.attempts) / 60_000)} min`, { channel: d.channel, alert: d.alert.key, error });
      return false;
    }
  }
}

function dueForRetry(last: NotificationRecord, now: Date): boolean {
  return !last.ok && now.getTime() - Date.parse(last.time) >= retryDelayMs(last.attempts);
}

function changed(alert: AlertRecord, condition: AlertCondition): boolean {
  return alert.severity !== condition.severity || alert.title !== condition.title || alert.message !== condition.message
    || alert.rule !== condition.rule || JSON.stringify(alert.data ?? null) !== JSON.stringify(condition.data ?? null);
}

/** One condition per key; if the rules repeat a key, the more severe wins. */
function dedupe(conditions: readonly AlertCondition[]): AlertCondition[] {
  const byKey = new Map<string, AlertCondition>();
  for (const c of conditions) {
    const prior = byKey.get(c.key);
    if (!prior || (prior.severity === 'warning' && c.severity === 'critical')) byKey.set(c.key, c);
  }
  return [...byKey.values()];
}
