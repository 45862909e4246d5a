/**
 * A dispatcher wired to real receivers (SMTP, a Slack webhook and a Twilio API
 * on localhost) over a real catalog, with a clock the test moves by hand.
 */
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { Catalog } from '../../../../main/engine/catalog/catalog.ts';
import { alertsSchema, type AlertsConfig } from '../../../../main/engine/config/alerts-schema.ts';
import { EngineEvents } from '../../../../main/engine/engine-events.ts';
import { AlertDispatcher } from '../../../../main/engine/health/alert-dispatcher.ts';
import { AlertStore } from '../../../../main/engine/health/alert-store.ts';
import type { AlertCondition } from '../../../../main/engine/health/alert-types.ts';
import { buildNotifiers } from '../../../../main/engine/health/notifiers/channel-notifiers.ts';
import type { Logger } from '../../../../main/engine/logger.ts';
import type { SecretName, SecretSource } from '../../../../main/engine/secrets/password-source.ts';
import { startHttpReceiver, startSmtpReceiver, type HttpReceiver, type SmtpReceiver } from '../../../support/receivers.ts';
import { tempDir } from '../../../support/temp-dir.ts';

export const SMTP_USER = 'alerts-bot';
export const SMTP_PASSWORD = 'smtp-Pa55-w0rd-never-shown';
export const SLACK_PATH = '/services/T0QUANT/B0ALERT/sLaCkToKeNnEvErShOwN';
export const TWILIO_SID = 'AC0123456789abcdef0123456789abcdef';
export const TWILIO_TOKEN = 'twilio-auth-token-never-shown-42';
export const MAIL_TO = ['ops@quant.example', 'cto@quant.example'];
export const SMS_TO = ['+15550002222', '+15550003333'];
export const SMS_FROM = '+15550001111';

export interface AlertRig {
  smtp: SmtpReceiver;
  slack: HttpReceiver;
  twilio: HttpReceiver;
  catalog: Catalog;
  store: AlertStore;
  events: EngineEvents;
  config: AlertsConfig;
  secrets: SecretSource;
  logs: string[];
  /** A dispatcher built the way the engine builds one (fresh notifiers each evaluation). */
  reconcile(conditions: AlertCondition[], now: Date): ReturnType<AlertDispatcher['reconcile']>;
}

export function fakeSecrets(values: Partial<Record<SecretName, string>>): SecretSource {
  return {
    repositoryPassword: async () => 'unused',
    secret: async (name) => values[name] ?? null,
  };
}

export async function alertRig(t: TestContext, overrides: Record<string, unknown> = {}): Promise<AlertRig> {
  const dir = tempDir(t);
  const smtp = await startSmtpReceiver({ username: SMTP_USER, password: SMTP_PASSWORD });
  const slack = await startHttpReceiver();
  const twilio = await startHttpReceiver({ status: 201, body: '{"sid":"SM1","status":"queued"}' });
  t.after(async () => {
    await Promise.all([smtp.close(), slack.close(), twilio.close()]);
  });
  const catalog = Catalog.open(join(dir, 'catalog.db'));
  t.after(() => catalog.close());
  const config = alertsSchema.parse({
    email: { enabled: true, host: '127.0.0.1', port: smtp.port, username: SMTP_USER, from: 'backup@ws1.quant.example', to: MAIL_TO },
    slack: { enabled: true },
    sms: { enabled: true, accountSid: TWILIO_SID, from: SMS_FROM, to: SMS_TO, apiBaseUrl: twilio.baseUrl },
    timeoutSeconds: 2,
    ...overrides,
  });
  const secrets = fakeSecrets({
    'smtp-password': SMTP_PASSWORD,
    'slack-webhook-url': `${slack.baseUrl}${SLACK_PATH}`,
    'twilio-auth-token': TWILIO_TOKEN,
  });
  const events = new EngineEvents();
  const logs: string[] = [];
  const logger: Logger = { log: (level, message, fields) => logs.push(`${level} ${message} ${JSON.stringify(fields ?? {})}`) };
  const store = new AlertStore(catalog.database);
  return {
    smtp, slack, twilio, catalog, store, events, config, secrets, logs,
    async reconcile(conditions, now) {
      const channels = await buildNotifiers(config, { secrets, events });
      const dispatcher = new AlertDispatcher({ store, notifiers: channels.notifiers, config, hostname: 'ws1', logger, secrets: channels.secrets });
      return dispatcher.reconcile(conditions, now);
    },
  };
}

export function noRecentBackup(overrides: Partial<AlertCondition> = {}): AlertCondition {
  return {
    key: 'no-recent-backup:tier-1',
    rule: 'no-recent-backup',
    severity: 'critical',
    title: 'No backup in the last hour',
    message: 'The trading database was last backed up 2 h ago; the objective is 15 min. Check that the scheduler is running.',
    ...overrides,
  };
}

export function tooFewBackups(overrides: Partial<AlertCondition> = {}): AlertCondition {
  return {
    key: 'too-few-backups:tier-1',
    rule: 'too-few-backups',
    severity: 'warning',
    title: 'Fewer than 20 backups today',
    message: 'Only 7 database snapshots in the last 24 h; the strategy asks for at least 20.',
    ...overrides,
  };
}

/** A settling pause for receivers that might still get a (wrong) late message. */
export const settle = (ms = 150): Promise<void> => new Promise((r) => setTimeout(r, ms));

export const minutes = (base: Date, n: number): Date => new Date(base.getTime() + n * 60_000);
