/**
 * E-mail alerts over SMTP with nodemailer. One connection per message (alerts
 * are rare; a pooled connection would sit open for hours). The password is the
 * secret 'smtp-password' and is scrubbed from every error, in every form that
 * is sent (AUTH PLAIN's base64 of "\0user\0password", AUTH LOGIN's base64 of
 * the password).
 *
 * With a username and secure: false, STARTTLS is required (requireTLS), so a
 * man in the middle who strips STARTTLS from the server's EHLO gets a failed
 * delivery, not the password. The one exemption is a loopback host
 * (localhost, 127.0.0.0/8, ::1: a local relay, or the tests' SMTP server),
 * whose traffic never leaves the machine; there STARTTLS stays opportunistic.
 */
import nodemailer from 'nodemailer';
import type SMTPTransport from 'nodemailer/lib/smtp-transport';
import { isLoopbackHost, type AlertsConfig } from '../../config/alerts-schema.ts';
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

/**
 * Every form of the password that goes over the wire, for redact(): AUTH
 * PLAIN's "\0user\0password" (redact() replaces its base64, which is what is
 * sent) and the password itself (AUTH LOGIN sends its base64 alone).
 */
export function smtpSecretForms(username: string | null | undefined, password: string): string[] {
  return username ? [`\0${username}\0${password}`, password] : [password];
}

/** True when STARTTLS must succeed before the login: a password would be sent and the host is not this machine. */
export function smtpRequiresTls(settings: AlertsConfig['email']): boolean {
  return !settings.secure && Boolean(settings.username) && !isLoopbackHost(settings.host ?? '');
}

/** nodemailer's SMTP options for the settings; exported so tests can check the TLS policy. */
export function smtpTransportOptions(settings: AlertsConfig['email'], password: string | null, timeoutMs: number): SMTPTransport.Options {
  return {
    host: settings.host,
    port: settings.port,
    secure: settings.secure,
    requireTLS: smtpRequiresTls(settings),
    ...(settings.username ? { auth: { user: settings.username, pass: password ?? '' } } : {}),
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: timeoutMs,
    logger: false,
    debug: false,
  };
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
      const transport = nodemailer.createTransport(smtpTransportOptions(settings, password, timeoutMs));
      try {
        await transport.sendMail({
          from: settings.from,
          to: settings.to,
          subject: message.subject,
          text: message.body,
          headers: message.alert ? { 'X-QuantAI-Alert': message.alert.key } : {},
        });
      } catch (err) {
        const secrets = settings.username && password ? smtpSecretForms(settings.username, password) : [password];
        throw smtpFailure(err as SmtpError, settings.host, settings.port, secrets);
      } finally {
        transport.close();
      }
    },
  };
}

function smtpFailure(err: SmtpError, host: string, port: number, secrets: readonly (string | null)[]): DeliveryError {
  const where = `${host}:${port}`;
  const said = (text: string | undefined): string => (text ? ` (server said: ${redact(text, secrets).slice(0, 200)})` : '');
  const original = err.originalCode;
  if (err.code === 'EAUTH') {
    return new DeliveryError('email', 'auth', `the SMTP server ${where} refused the login${said(err.response)}: check alerts.email.username and the SMTP password`);
  }
  if (err.code === 'ETLS') {
    const why = redact(err.message ?? String(err), secrets).split('\n')[0]?.slice(0, 200);
    return new DeliveryError('email', 'rejected', `could not set up STARTTLS with the SMTP server ${where} (${why}), so neither the login nor the message was sent: check that the server offers STARTTLS with a valid certificate, or use secure: true (port 465); will retry`);
  }
  if (err.code === 'ETIMEDOUT') return new DeliveryError('email', 'timeout', `the SMTP server ${where} did not answer in time; will retry`);
  if (original === 'ECONNREFUSED') return new DeliveryError('email', 'unreachable', `the SMTP server ${where} refused the connection; will retry`);
  if (original === 'ENOTFOUND' || original === 'EAI_AGAIN') return new DeliveryError('email', 'unreachable', `cannot resolve ${host} (no network or DNS?); will retry`);
  if (err.code === 'EENVELOPE') return new DeliveryError('email', 'rejected', `the SMTP server ${where} refused the sender or recipients${said(err.response)}: check alerts.email.from and to`);
  if (err.responseCode) return new DeliveryError('email', 'rejected', `the SMTP server ${where} rejected the message${said(err.response)}`);
  const detail = redact(err.message ?? String(err), secrets).split('\n')[0]?.slice(0, 200);
  return new DeliveryError('email', 'unreachable', `cannot send through the SMTP server ${where} (${original ?? err.code ?? 'error'}: ${detail}); will retry`);
}
