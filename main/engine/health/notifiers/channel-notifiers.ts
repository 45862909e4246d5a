/**
 * Builds the notifiers the config turns on, reading each channel's secret
 * only when that channel is enabled, so a missing Slack secret never stops
 * e-mail. Channels that are off are simply absent.
 */
import type { AlertsConfig, ChannelName } from '../../config/alerts-schema.ts';
import type { EngineEvents } from '../../engine-events.ts';
import type { SecretSource } from '../../secrets/password-source.ts';
import { createDesktopNotifier, desktopAvailable } from './desktop-notifier.ts';
import { createEmailNotifier, smtpSecretForms } from './email-notifier.ts';
import { DeliveryError, type Notifier } from './notifier.ts';
import { createSlackNotifier, webhookSecretParts } from './slack-notifier.ts';
import { createSmsNotifier, smsSecretForms } from './sms-notifier.ts';

export interface ChannelSet {
  notifiers: Map<ChannelName, Notifier>;
  /** Every secret value read, so callers can scrub them from anything they log or store. */
  secrets: string[];
}

/** A secret that cannot be read becomes a notifier that fails with the reason, so only that channel suffers. */
async function readSecret(secrets: SecretSource, name: Parameters<SecretSource['secret']>[0]): Promise<{ value: string | null; error: string | null }> {
  try {
    return { value: await secrets.secret(name), error: null };
  } catch (err) {
    return { value: null, error: err instanceof Error ? err.message : String(err) };
  }
}

function failing(channel: ChannelName, reason: string): Notifier {
  return { channel, send: async () => { throw new DeliveryError(channel, 'not-configured', reason); } };
}

/**
 * The notifiers for the enabled channels; desktop only while a host that
 * shows notifications is listening.
 */
export async function buildNotifiers(
  config: AlertsConfig,
  deps: { secrets: SecretSource; events: EngineEvents },
): Promise<ChannelSet> {
  const notifiers = new Map<ChannelName, Notifier>();
  const found: string[] = [];
  const timeoutMs = Math.round(config.timeoutSeconds * 1000);
  if (config.email.enabled) {
    const pw = config.email.username ? await readSecret(deps.secrets, 'smtp-password') : { value: null, error: null };
    if (pw.value) found.push(...smtpSecretForms(config.email.username, pw.value));
    notifiers.set('email', pw.error ? failing('email', pw.error) : createEmailNotifier({ settings: config.email, password: pw.value, timeoutMs }));
  }
  if (config.slack.enabled) {
    const url = await readSecret(deps.secrets, 'slack-webhook-url');
    if (url.value) found.push(...webhookSecretParts(url.value));
    notifiers.set('slack', url.error ? failing('slack', url.error) : createSlackNotifier({ webhookUrl: url.value, timeoutMs }));
  }
  if (config.sms.enabled) {
    const token = await readSecret(deps.secrets, 'twilio-auth-token');
    if (token.value) found.push(...smsSecretForms(config.sms.accountSid, token.value));
    notifiers.set('sms', token.error ? failing('sms', token.error) : createSmsNotifier({ settings: config.sms, authToken: token.value, timeoutMs }));
  }
  if (config.desktop !== 'off' && desktopAvailable(deps.events)) {
    notifiers.set('desktop', createDesktopNotifier({ events: deps.events }));
  }
  return { notifiers, secrets: found };
}

/** Why a channel cannot be tested, or null when it can. */
export function channelUnusable(config: AlertsConfig, channel: ChannelName): string | null {
  if (channel === 'desktop') {
    return config.desktop === 'off' ? 'desktop notifications are off (alerts.desktop is "off" in config.json)' : null;
  }
  if (!config[channel].enabled) {
    return `${channel} alerts are not configured: set alerts.${channel}.enabled to true in config.json (see docs/cli.md, "Alerts")`;
  }
  return null;
}
