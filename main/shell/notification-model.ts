/**
 * Alert event + the user's level setting -> the desktop notification to show,
 * or null. Pure: notifications.ts shows the result. The engine's dispatcher
 * applies the same level when it routes to the desktop; applying it here too
 * keeps the app right when an event arrives from another path (a reminder
 * after the user changed the setting, a test).
 */
import type { AlertEvent, OffsiteNotice } from '../engine/index.ts';

export type NotificationLevel = 'all' | 'warnings' | 'off';
export type NotificationUrgency = 'low' | 'normal' | 'critical';

export interface DesktopNotification {
  title: string;
  body: string;
  urgency: NotificationUrgency;
  /** The alert the click opens in the dashboard; absent for tests. */
  alertId?: number;
}

/**
 * 'all': problems (warning and critical, opened and reminders) and their resolution;
 * 'warnings': problems only, no "resolved" notices; 'off': nothing.
 */
export function notificationFor(event: AlertEvent, level: NotificationLevel): DesktopNotification | null {
  if (level === 'off') return null;
  if (event.kind === 'resolved' && level !== 'all') return null;
  const { alert } = event;
  if (event.kind === 'resolved') {
    return { title: `Resolved: ${alert.title}`, body: 'This problem is no longer present. No action needed.', urgency: 'low', alertId: alert.id };
  }
  const prefix = alert.severity === 'critical' ? 'Critical' : 'Warning';
  const title = event.kind === 'reminder' ? `${prefix} (still open): ${alert.title}` : `${prefix}: ${alert.title}`;
  return {
    title,
    body: alert.message,
    urgency: alert.severity === 'critical' ? 'critical' : 'normal',
    alertId: alert.id,
  };
}

/**
 * An offsite drive was connected (engine event 'offsite-drive') -> the
 * notification to show, or null. 'all': every notice; 'warnings': a refused
 * drive, a failed copy, and "done: safe to eject" (the one the user waits for
 * at the machine before unplugging: withholding it invites pulling the drive
 * mid-copy); 'off': nothing. Clicking opens the dashboard (no alert behind it).
 */
export function offsiteNotificationFor(notice: OffsiteNotice, level: NotificationLevel): DesktopNotification | null {
  if (level === 'off') return null;
  const problem = notice.kind === 'copy-failed' || notice.kind === 'refused';
  if (level === 'warnings' && !problem && notice.kind !== 'copied') return null;
  return { title: notice.title, body: notice.message, urgency: problem ? 'normal' : 'low' };
}

/** "Send a test notification": shown whatever the level, since the user asked for it. */
export function testNotification(test: { title: string; message: string }): DesktopNotification {
  return { title: test.title, body: test.message, urgency: 'normal' };
}

export function isNotificationLevel(value: unknown): value is NotificationLevel {
  return value === 'all' || value === 'warnings' || value === 'off';
}
