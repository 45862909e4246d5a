/**
 * The catalog's alerts and notifications tables. An alert row lives from the
 * first evaluation that finds its condition to the first that does not; a
 * notification row is one delivery attempt to one channel (so the table is
 * the delivery log: failures, retries and successes).
 */
import type Database from 'better-sqlite3';
import type { ChannelName } from '../config/alerts-schema.ts';
import type { AlertCondition, AlertRecord } from './alert-types.ts';
import type { MessageKind } from './notifiers/notifier.ts';

export interface NotificationRecord {
  id: number;
  alertId: number | null;
  channel: ChannelName;
  kind: MessageKind;
  time: string;
  ok: boolean;
  /** 1 for the first attempt of this message to this channel, 2 for its first retry, ... */
  attempts: number;
  error: string | null;
}

interface AlertRow {
  id: number; key: string; rule: AlertRecord['rule']; severity: AlertRecord['severity']; title: string; message: string;
  opened_at: string; resolved_at: string | null; last_notified_at: string | null; notify_count: number; data: string | null;
}

interface NotificationRow {
  id: number; alert_id: number | null; channel: ChannelName; kind: MessageKind; time: string; ok: number;
  attempts: number; error: string | null;
}

function toAlert(row: AlertRow): AlertRecord {
  return {
    id: row.id, key: row.key, rule: row.rule, severity: row.severity, title: row.title, message: row.message,
    ...(row.data === null ? {} : { data: JSON.parse(row.data) as Record<string, unknown> }),
    openedAt: row.opened_at, resolvedAt: row.resolved_at, lastNotifiedAt: row.last_notified_at, notifyCount: row.notify_count,
  };
}

function toNotification(row: NotificationRow): NotificationRecord {
  return {
    id: row.id, alertId: row.alert_id, channel: row.channel, kind: row.kind, time: row.time, ok: row.ok === 1,
    attempts: row.attempts, error: row.error,
  };
}

const dataText = (c: AlertCondition): string | null => (c.data === undefined ? null : JSON.stringify(c.data));

export class AlertStore {
  private readonly db: Database.Database;

  constructor(db: Database.Database) {
    this.db = db;
  }

  openAlerts(): AlertRecord[] {
    return (this.db.prepare('SELECT * FROM alerts WHERE resolved_at IS NULL ORDER BY id').all() as AlertRow[]).map(toAlert);
  }

  alert(id: number): AlertRecord | null {
    const row = this.db.prepare('SELECT * FROM alerts WHERE id = ?').get(id) as AlertRow | undefined;
    return row ? toAlert(row) : null;
  }

  /**
   * Opens an alert for a condition, or returns the one already open for its key
   * (the unique index on open keys makes this safe if two hosts evaluate at once).
   * `created` tells whether this call opened it.
   */
  openAlert(condition: AlertCondition, now: Date): { alert: AlertRecord; created: boolean } {
    const info = this.db
      .prepare(`INSERT INTO alerts (key, rule, severity, title, message, opened_at, data) VALUES (?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (key) WHERE resolved_at IS NULL DO NOTHING`)
      .run(condition.key, condition.rule, condition.severity, condition.title, condition.message, now.toISOString(), dataText(condition));
    if (info.changes === 1) return { alert: this.alert(Number(info.lastInsertRowid))!, created: true };
    const row = this.db.prepare('SELECT * FROM alerts WHERE key = ? AND resolved_at IS NULL').get(condition.key) as AlertRow;
    return { alert: toAlert(row), created: false };
  }

  /** The condition's current words and severity (e.g. "no backup for 3 h" after "for 2 h"). */
  refreshAlert(id: number, condition: AlertCondition): AlertRecord {
    this.db
      .prepare('UPDATE alerts SET rule = ?, severity = ?, title = ?, message = ?, data = ? WHERE id = ?')
      .run(condition.rule, condition.severity, condition.title, condition.message, dataText(condition), id);
    return this.alert(id)!;
  }

  /** A round of notifications (opening or reminder) went out now. */
  markNotified(id: number, now: Date): AlertRecord {
    this.db.prepare('UPDATE alerts SET last_notified_at = ?, notify_count = notify_count + 1 WHERE id = ?').run(now.toISOString(), id);
    return this.alert(id)!;
  }

  resolveAlert(id: number, now: Date): AlertRecord {
    this.db.prepare('UPDATE alerts SET resolved_at = ? WHERE id = ? AND resolved_at IS NULL').run(now.toISOString(), id);
    return this.alert(id)!;
  }

  /** Alerts resolved at or after `since`, newest first. */
  resolvedSince(since: Date, limit = 50): AlertRecord[] {
    return (this.db
      .prepare('SELECT * FROM alerts WHERE resolved_at IS NOT NULL AND resolved_at >= ? ORDER BY resolved_at DESC, id DESC LIMIT ?')
      .all(since.toISOString(), limit) as AlertRow[]).map(toAlert);
  }

  /**
   * Resolved (since `since`) alerts with a channel that got the alert but has
   * not yet got its "resolved" message, with those channels.
   */
  awaitingResolvedNotice(since: Date): { alert: AlertRecord; channels: ChannelName[] }[] {
    const rows = this.db
      .prepare(`SELECT DISTINCT n.alert_id AS id, n.channel AS channel FROM notifications n JOIN alerts a ON a.id = n.alert_id
                WHERE a.resolved_at IS NOT NULL AND a.resolved_at >= ? AND n.kind IN ('opened', 'reminder') AND n.ok = 1
                  AND NOT EXISTS (SELECT 1 FROM notifications r WHERE r.alert_id = n.alert_id AND r.channel = n.channel
                                  AND r.kind = 'resolved' AND r.ok = 1)
                ORDER BY n.alert_id, n.channel`)
      .all(since.toISOString()) as { id: number; channel: ChannelName }[];
    const byAlert = new Map<number, ChannelName[]>();
    for (const row of rows) byAlert.set(row.id, [...(byAlert.get(row.id) ?? []), row.channel]);
    return [...byAlert].map(([id, channels]) => ({ alert: this.alert(id)!, channels }));
  }

  recordNotification(n: Omit<NotificationRecord, 'id'>): number {
    const info = this.db
      .prepare('INSERT INTO notifications (alert_id, channel, kind, time, ok, attempts, error) VALUES (?, ?, ?, ?, ?, ?, ?)')
      .run(n.alertId, n.channel, n.kind, n.time, n.ok ? 1 : 0, n.attempts, n.error);
    return Number(info.lastInsertRowid);
  }

  /** The latest attempt to this channel for this alert (optionally of one kind). */
  lastNotification(alertId: number, channel: ChannelName, kind?: MessageKind): NotificationRecord | null {
    const row = (kind
      ? this.db.prepare('SELECT * FROM notifications WHERE alert_id = ? AND channel = ? AND kind = ? ORDER BY id DESC LIMIT 1').get(alertId, channel, kind)
      : this.db.prepare('SELECT * FROM notifications WHERE alert_id = ? AND channel = ? ORDER BY id DESC LIMIT 1').get(alertId, channel)) as NotificationRow | undefined;
    return row ? toNotification(row) : null;
  }

  notificationsFor(alertId: number): NotificationRecord[] {
    return (this.db.prepare('SELECT * FROM notifications WHERE alert_id = ? ORDER BY id').all(alertId) as NotificationRow[]).map(toNotification);
  }

  /** The latest test message per channel. */
  lastTests(): NotificationRecord[] {
    return (this.db
      .prepare(`SELECT * FROM notifications WHERE id IN (SELECT MAX(id) FROM notifications WHERE kind = 'test' GROUP BY channel) ORDER BY channel`)
      .all() as NotificationRow[]).map(toNotification);
  }
}
