/**
 * Slack alerts through an incoming webhook: one POST of JSON `{ text }`. The
 * webhook URL is the secret 'slack-webhook-url' (its path is the token), so
 * errors name only the host, and anything Slack answers is scrubbed of it.
 * Only https is used (plain http only to a loopback host, for tests).
 */
import { isLoopbackHost } from '../../config/alerts-schema.ts';
import { DeliveryError, redact, requestFailure, withDeadline, type AlertMessage, type Notifier } from './notifier.ts';

export interface SlackNotifierOptions {
  webhookUrl: string | null;
  timeoutMs: number;
}

/** Slack's mrkdwn: bold subject, then the body; &, < and > must be escaped. */
export function slackPayload(message: AlertMessage): { text: string } {
  const escape = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  return { text: `*${escape(message.subject)}*\n${escape(message.body)}` };
}

/**
 * The parts of a webhook URL that must never be shown: the URL, its path, and
 * each path segment after the first (Slack's are team, channel and the token;
 * a server may echo any of them alone).
 */
export function webhookSecretParts(webhookUrl: string): string[] {
  try {
    const { pathname } = new URL(webhookUrl);
    const segments = pathname.split('/').filter(Boolean).slice(1).filter((s) => s.length >= 6);
    return [webhookUrl, ...(pathname.length > 1 ? [pathname] : []), ...segments];
  } catch {
    return [webhookUrl];
  }
}

export function createSlackNotifier(options: SlackNotifierOptions): Notifier {
  const { webhookUrl, timeoutMs } = options;
  return {
    channel: 'slack',
    async send(message: AlertMessage): Promise<void> {
      if (!webhookUrl) {
        throw new DeliveryError('slack', 'not-configured', 'no webhook URL: set QUANTAI_BACKUP_SLACK_WEBHOOK_URL_FILE (or the app\'s settings)');
      }
      let host: string;
      try {
        const url = new URL(webhookUrl);
        if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Error('not http');
        if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) {
          // The URL is the token: never send it in clear, and never print it.
          throw new DeliveryError('slack', 'not-configured', 'the webhook URL secret is plain http to a remote host, which would send its token in clear: use the https URL Slack gave you');
        }
        host = url.host;
      } catch (err) {
        if (err instanceof DeliveryError) throw err;
        throw new DeliveryError('slack', 'not-configured', 'the webhook URL secret is not an https URL');
      }
      await withDeadline('slack', timeoutMs, async (signal) => {
        let response: Response;
        try {
          response = await fetch(webhookUrl, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify(slackPayload(message)),
            signal,
          });
        } catch (err) {
          throw requestFailure('slack', 'the Slack webhook', host, err);
        }
        const answer = await response.text().catch(() => '');
        if (!response.ok) {
          const said = redact(answer, webhookSecretParts(webhookUrl)).trim().slice(0, 200);
          const failure = response.status === 401 || response.status === 403 || response.status === 404 ? 'auth' : 'rejected';
          const advice = failure === 'auth' ? ': the webhook was revoked or is wrong; create a new one in Slack and update the secret' : '; will retry';
          throw new DeliveryError('slack', failure, `the Slack webhook at ${host} answered HTTP ${response.status}${said ? ` (${said})` : ''}${advice}`);
        }
      });
    },
  };
}
