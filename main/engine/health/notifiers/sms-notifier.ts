/**
 * SMS alerts through Twilio's REST API: one form-encoded POST per recipient to
 * {apiBaseUrl}/2010-04-01/Accounts/{sid}/Messages.json with HTTP Basic sid:token.
 * The token is the secret 'twilio-auth-token'; it and every encoded form of it
 * that is sent (the Basic credential `sid:token` and its base64) are scrubbed
 * from errors.
 * The channel fails if any recipient fails; a retry sends to all of them again
 * (a duplicate SMS beats a missed one).
 */
import type { AlertsConfig } from '../../config/alerts-schema.ts';
import { DeliveryError, redact, requestFailure, withDeadline, type AlertMessage, type Notifier } from './notifier.ts';

export interface SmsNotifierOptions {
  settings: AlertsConfig['sms'];
  authToken: string | null;
  timeoutMs: number;
}

/** The HTTP Basic Authorization header value sent to Twilio. */
function basicAuthorization(accountSid: string, authToken: string): string {
  return `Basic ${Buffer.from(`${accountSid}:${authToken}`).toString('base64')}`;
}

/**
 * Every form of the token that goes over the wire, for redact(): the token,
 * the Basic credential `sid:token` (redact() also covers its URL-encoded and
 * base64 forms) and the whole Authorization header value.
 */
export function smsSecretForms(accountSid: string | null | undefined, authToken: string): string[] {
  if (!accountSid) return [authToken];
  return [basicAuthorization(accountSid, authToken), `${accountSid}:${authToken}`, authToken];
}

export function createSmsNotifier(options: SmsNotifierOptions): Notifier {
  const { settings, authToken, timeoutMs } = options;
  return {
    channel: 'sms',
    async send(message: AlertMessage): Promise<void> {
      const { accountSid, from, to } = settings;
      if (!accountSid || !from || to.length === 0) {
        throw new DeliveryError('sms', 'not-configured', 'set alerts.sms.accountSid, from and to in config.json');
      }
      if (!authToken) {
        throw new DeliveryError('sms', 'not-configured', 'no Twilio auth token: set QUANTAI_BACKUP_TWILIO_AUTH_TOKEN_FILE (or the app\'s settings)');
      }
      const endpoint = `${settings.apiBaseUrl}/2010-04-01/Accounts/${encodeURIComponent(accountSid)}/Messages.json`;
      const host = new URL(endpoint).host;
      const authorization = basicAuthorization(accountSid, authToken);
      const secrets = smsSecretForms(accountSid, authToken);
      const failures: DeliveryError[] = [];
      for (const recipient of to) {
        try {
          await withDeadline('sms', timeoutMs, (signal) => postMessage(endpoint, host, authorization, { To: recipient, From: from, Body: message.short }, signal, secrets));
        } catch (err) {
          if (!(err instanceof DeliveryError)) throw err;
          failures.push(new DeliveryError('sms', err.failure, `${recipient}: ${err.message.replace(/^sms: /, '')}`));
        }
      }
      const first = failures[0];
      if (first) {
        const text = failures.map((f) => f.message.replace(/^sms: /, '')).join('; ');
        throw new DeliveryError('sms', first.failure, `${failures.length} of ${to.length} message(s) not sent: ${text}`);
      }
    },
  };
}

async function postMessage(
  endpoint: string, host: string, authorization: string, fields: Record<string, string>, signal: AbortSignal, secrets: readonly string[],
): Promise<void> {
  let response: Response;
  try {
    response = await fetch(endpoint, {
      method: 'POST',
      headers: { authorization, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(fields).toString(),
      signal,
    });
  } catch (err) {
    throw requestFailure('sms', 'the Twilio API', host, err);
  }
  const answer = await response.text().catch(() => '');
  if (response.ok) return;
  const said = redact(twilioMessage(answer), secrets).slice(0, 200);
  if (response.status === 401 || response.status === 403) {
    throw new DeliveryError('sms', 'auth', `Twilio at ${host} refused the credentials (HTTP ${response.status}${said ? `: ${said}` : ''}): check alerts.sms.accountSid and the auth token`);
  }
  throw new DeliveryError('sms', 'rejected', `Twilio at ${host} answered HTTP ${response.status}${said ? ` (${said})` : ''}`);
}

/** Twilio errors are JSON `{ code, message, more_info }`; other servers may answer anything. */
function twilioMessage(answer: string): string {
  try {
    const parsed = JSON.parse(answer) as { code?: unknown; message?: unknown };
    if (typeof parsed.message === 'string') return `${parsed.message}${parsed.code ? ` [Twilio error ${String(parsed.code)}]` : ''}`;
  } catch {
    // Not JSON (a proxy's HTML page, say): show its start.
    return answer.trim().replace(/\s+/g, ' ');
  }
  return answer.trim().replace(/\s+/g, ' ');
}
