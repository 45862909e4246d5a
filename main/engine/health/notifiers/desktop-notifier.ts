/**
 * Desktop alerts: the engine does not draw notifications, it emits the 'alert'
 * event and its host (the Electron shell) shows one. With nobody listening
 * (the CLI, the headless daemon) there is no desktop to deliver to.
 */
import type { EngineEvents } from '../../engine-events.ts';
import { DeliveryError, type AlertMessage, type Notifier } from './notifier.ts';

export interface DesktopNotifierOptions {
  events: EngineEvents;
}

/** True when a host that shows desktop notifications is listening. */
export function desktopAvailable(events: EngineEvents): boolean {
  return events.listenerCount('alert') > 0;
}

export function createDesktopNotifier(options: DesktopNotifierOptions): Notifier {
  const { events } = options;
  return {
    channel: 'desktop',
    async send(message: AlertMessage): Promise<void> {
      if (message.kind === 'test') {
        if (events.listenerCount('alert-test') === 0) throw unavailable();
        events.emit('alert-test', { title: message.subject, message: message.body });
        return;
      }
      if (!desktopAvailable(events) || !message.alert) throw unavailable();
      events.emit('alert', { kind: message.kind, alert: message.alert });
    },
  };
}

function unavailable(): DeliveryError {
  return new DeliveryError('desktop', 'unavailable', 'desktop notifications are shown by the QuantAI Backup app, which is not running this engine; send the test from the app');
}
