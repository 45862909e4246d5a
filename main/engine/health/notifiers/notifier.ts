/**
 * A notification channel (e-mail, Slack, SMS, desktop): one interface so the
 * dispatcher treats them alike, and one error type whose reason tells the
 * user what to fix. Every error message is built without secrets, and then
 * passed through redact() in case a server echoed one back.
 */
import type { ChannelName } from '../../config/alerts-schema.ts';
import type { AlertRecord, Severity } from '../alert-types.ts';
import { BackupError, type ErrorKind } from '../../errors.ts';

export type { ChannelName };

export type MessageKind = 'opened' | 'reminder' | 'resolved' | 'test';

/** A message ready for any channel: each notifier picks the parts that fit it. */
export interface AlertMessage {
  kind: MessageKind;
  /** null for a test message. */
  alert: AlertRecord | null;
  severity: Severity | null;
  /** E-mail subject, notification title, the bold first line in Slack. */
  subject: string;
  /** Plain text, a few lines. */
  body: string;
  /** One line for SMS (kept well under two SMS segments). */
  short: string;
}

export interface Notifier {
  readonly channel: ChannelName;
  /** Resolves when the channel accepted the message; throws DeliveryError otherwise. */
  send(message: AlertMessage): Promise<void>;
}

/**
 * Why a delivery failed. unreachable: connection refused, DNS, network down;
 * timeout: no answer in time; rejected: the service answered with an error
 * (HTTP 4xx/5xx, SMTP 5xx); auth: wrong credentials; not-configured: settings
 * or secret missing; unavailable: nobody to show it (no desktop app running).
 */
export type DeliveryFailure = 'unreachable' | 'timeout' | 'rejected' | 'auth' | 'not-configured' | 'unavailable';

const KIND_OF: Record<DeliveryFailure, ErrorKind> = {
  unreachable: 'transient',
  timeout: 'transient',
  rejected: 'transient',
  auth: 'permanent',
  'not-configured': 'permanent',
  unavailable: 'not-found',
};

export class DeliveryError extends BackupError {
  readonly channel: ChannelName;
  readonly failure: DeliveryFailure;

  constructor(channel: ChannelName, failure: DeliveryFailure, message: string) {
    super(KIND_OF[failure], `${channel}: ${message}`);
    this.name = 'DeliveryError';
    this.channel = channel;
    this.failure = failure;
  }
}

/**
 * Replaces every secret with '***': its plain, URL-encoded and base64 forms,
 * and also any base64 text that has the secret somewhere inside what was
 * encoded (an HTTP Basic header is base64 of `user:secret`, SMTP AUTH PLAIN
 * base64 of `\0user\0secret`; neither contains base64(secret) itself). Base64
 * turns each 3 bytes into 4 characters, so a secret inside a longer value is
 * encoded one of three ways depending on its offset; the characters that depend
 * only on the secret's bytes are replaced for all three. Callers should still
 * pass the exact credentials they send (see the notifiers), so the whole
 * encoded value goes, not just its middle. Short values are skipped so a
 * one-character secret cannot blank out a whole message.
 */
export function redact(text: string, secrets: readonly (string | null | undefined)[]): string {
  let out = text;
  for (const secret of secrets) {
    if (!secret || secret.length < 4) continue;
    const forms = new Set([secret, encodeURIComponent(secret), Buffer.from(secret).toString('base64'), ...base64Cores(secret)]);
    for (const form of forms) out = out.split(form).join('***');
  }
  return out;
}

/** The base64 characters fixed by the secret's bytes alone, at each of the three offsets it can sit at. */
function base64Cores(secret: string): string[] {
  const bytes = Buffer.from(secret);
  const cores: string[] = [];
  for (let offset = 0; offset < 3; offset++) {
    const encoded = Buffer.concat([Buffer.alloc(offset), bytes]).toString('base64');
    const core = encoded.slice(Math.ceil((8 * offset) / 6), Math.floor((8 * (offset + bytes.length)) / 6));
    if (core.length >= 6) cores.push(core, core.replace(/\+/g, '-').replace(/\//g, '_'));
  }
  return cores;
}

/** Runs a delivery with a deadline, so a channel that never answers cannot hold up the others. */
export async function withDeadline<T>(channel: ChannelName, ms: number, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      reject(new DeliveryError(channel, 'timeout', `did not answer within ${formatSeconds(ms)}; will retry`));
    }, ms);
  });
  try {
    return await Promise.race([work(controller.signal), deadline]);
  } finally {
    clearTimeout(timer);
  }
}

function formatSeconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${(ms / 1000).toFixed(1)} s`;
}

/** The network error code of a failed fetch or socket (ECONNREFUSED, ENOTFOUND, ...), if any. */
export function networkCode(err: unknown): string | undefined {
  let current: unknown = err;
  for (let depth = 0; depth < 4 && current; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && /^E[A-Z_]+$/.test(code)) return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/** A failed HTTP request turned into a DeliveryError whose text names the host but never the path (it may hold a token). */
export function requestFailure(channel: ChannelName, service: string, host: string, err: unknown): DeliveryError {
  if (err instanceof DeliveryError) return err;
  if ((err as Error | undefined)?.name === 'AbortError' || (err as Error | undefined)?.name === 'TimeoutError') {
    return new DeliveryError(channel, 'timeout', `${service} at ${host} did not answer in time; will retry`);
  }
  const code = networkCode(err);
  if (code === 'ECONNREFUSED') return new DeliveryError(channel, 'unreachable', `${service} at ${host} refused the connection; will retry`);
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return new DeliveryError(channel, 'unreachable', `cannot resolve ${host} (no network or DNS?); will retry`);
  if (code) return new DeliveryError(channel, 'unreachable', `cannot reach ${service} at ${host} (${code}); will retry`);
  return new DeliveryError(channel, 'unreachable', `cannot reach ${service} at ${host}; will retry`);
}
