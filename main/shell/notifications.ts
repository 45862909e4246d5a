/**
 * Shows desktop notifications. Each Notification object is kept until it is
 * clicked or closed: one that is garbage-collected loses its click handler
 * (a known Electron behaviour), and the click is how the user reaches the
 * alert in the dashboard.
 */
import { Notification } from 'electron';
import type { DesktopNotification } from './notification-model.ts';
import { shellLog } from './logging.ts';

export class DesktopNotifications {
  private readonly live = new Set<Notification>();

  constructor(private readonly onClick: (alertId: number | undefined) => void, private readonly iconFile?: string) {}

  show(n: DesktopNotification): void {
    if (!Notification.isSupported()) {
      shellLog.warn('desktop notifications are not supported here', n.title);
      return;
    }
    const notification = new Notification({
      title: n.title,
      body: n.body,
      urgency: n.urgency,
      // Critical alerts stay until dismissed on Windows; others time out as usual.
      timeoutType: n.urgency === 'critical' ? 'never' : 'default',
      ...(this.iconFile ? { icon: this.iconFile } : {}),
    });
    this.live.add(notification);
    const release = () => this.live.delete(notification);
    notification.on('click', () => {
      release();
      this.onClick(n.alertId);
    });
    notification.on('close', release);
    notification.on('failed', (_event, error) => {
      release();
      shellLog.warn('a desktop notification failed', error);
    });
    notification.show();
  }

  /** Drops every reference (on quit). */
  clear(): void {
    for (const n of this.live) n.close();
    this.live.clear();
  }
}
