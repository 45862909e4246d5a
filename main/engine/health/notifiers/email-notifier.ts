/**
 * E-mail alerts over SMTP with nodemailer. One connection per message (alerts
 * are rare; a pooled connection would sit open for hours). The password is the
 * secret 'smtp-password' and is scrubbed from every error.
 */
import nodemailer from 'nodemailer';
import type { AlertsConfig } from '../../config/alerts-schema.ts';
import { DeliveryError, redact, type AlertMessage, type Notifier } from './notifier.ts';

export interface EmailNotifierOptions {
  settings: AlertsConfig['email'];
  password: string | null;
  timeoutMs: number;
}

interface SmtpError extends Error {
  code?: string;
  originalCode?: string;
  responseCode?: number;
  response?: string;
  command?: string;
}

export function createEmailNotifier(options: EmailNotifierOptions): Notifier {
  const { settings, password, timeoutMs } = options;
  return {
    channel: 'email',
    async send(message: AlertMessage): Promise<void> {
      if (!settings.host || !settings.from || settings.to.length === 0) {
        throw new DeliveryError('email', 'not-configured', 'set alerts.email.host, from and to in config.json');
      }
      if (settings.username && !password) {
        throw new DeliveryError('email', 'not-configured', `alerts.email.username is set but there is no SMTP password: set QUANTAI_BACKUP_SMTP_PASSWORD_FILE (or the app's settings)`);
      }
      const transport = nodemailer.createTransport({
        host: settings.host,
        port: settings.port,
        secure: settings.secure,
        ...(settings.username ? { auth: { user: settings.username, pass: password ?? '' } } : {}),
        connectionTimeout: timeoutMs,
        greetingTimeout: timeoutMs,
        socketTimeout: timeoutMs,
        logger: false,
        debug: false,
      });
      try {
        await transport.sendMail({
          from: settings.from,
          to: settings.to,
          subject: message.subject,
          text: message.body,
          headers: message.alert ? { 'X-QuantAI-Alert': message.alert.key } : {},
        });
      } catch (err) {
        throw smtpFailure(err as SmtpError, settings.host, settings.port, password);
      } finally {
        transport.close();
      }
    },
  };
}

function smtpFailure(err: SmtpError, host: string, port: number, password: string | null): DeliveryError {
  const where = `${host}:${port}`;
  const said = (text: string | undefined): string => (text ? ` (server said: ${redact(text, [password]).slice(0, 200)})` : '');
  const original = err.originalCode;
  if (err.code === 'EAUTH') {
    return new DeliveryError('email', 'auth', `the SMTP server ${where} refused the login${said(err.response)}: check alerts.email.username and the SMTP password`);
  }
  if (err.code === 'ETIMEDOUT') return new DeliveryError('email', 'timeout', `the SMTP server ${where} did not answer in time; will retry`);
  if (original === 'ECONNREFUSED') return new DeliveryError('email', 'unreachable', `the SMTP server ${where} refused the connection; will retry`);
  if (original === 'ENOTFOUND' || original === 'EAI_AGAIN') return new DeliveryError('email', 'unreachable', `cannot resolve ${host} (no network or DNS?); will retry`);
  if (err.code === 'EENVELOPE') return new DeliveryError('email', 'rejected', `the SMTP server ${where} refused the sender or recipients${said(err.response)}: check alerts.email.from and to`);
  if (err.responseCode) return new DeliveryError('email', 'rejected', `the SMTP server ${where} rejected the message${said(err.response)}`);
  const detail = redact(err.message ?? String(err), [password]).split('\n')[0]?.slice(0, 200);
  return new DeliveryError('email', 'unreachable', `cannot send through the SMTP server ${where} (${original ?? err.code ?? 'error'}: ${detail}); will retry`);
}
