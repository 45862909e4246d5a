/**
 * Real receivers for alert tests: an SMTP server (smtp-server) that keeps
 * every mail, and a local HTTP server standing in for Slack's webhook or
 * Twilio's API that keeps every request. Each can be told to fail (answer an
 * HTTP status, refuse a login) or be closed (connection refused) and brought
 * back on the same port.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

export interface ReceivedMail {
  from: string;
  to: string[];
  /** Raw header values by lower-case name (the last one wins). */
  headers: Record<string, string>;
  subject: string;
  /** The decoded text body. */
  text: string;
  raw: string;
  /** The login the client used, if any. */
  user: string | null;
}

export interface SmtpReceiver {
  port: number;
  mails: ReceivedMail[];
  /** Logins that were refused (user names only). */
  refusedLogins: string[];
  /** Resolves once at least n mails arrived (rejects after timeoutMs). */
  waitForMails(n: number, timeoutMs?: number): Promise<ReceivedMail[]>;
  close(): Promise<void>;
  /** Listens again on the same port after close(). */
  reopen(): Promise<void>;
}

export interface SmtpReceiverOptions {
  username?: string;
  password?: string;
  /** Put the offered password in the refusal, like a careless server would: the client must not repeat it. */
  echoPasswordOnRefusal?: boolean;
}

export async function startSmtpReceiver(options: SmtpReceiverOptions = {}): Promise<SmtpReceiver> {
  const mails: ReceivedMail[] = [];
  const refusedLogins: string[] = [];
  const make = (): SMTPServer => new SMTPServer({
    // Plain text on localhost: no STARTTLS (its self-signed certificate would fail verification).
    disabledCommands: options.username ? ['STARTTLS'] : ['STARTTLS', 'AUTH'],
    allowInsecureAuth: true,
    authOptional: !options.username,
    logger: false,
    onAuth(auth, _session, callback) {
      if (auth.username === options.username && auth.password === options.password) return callback(null, { user: auth.username });
      refusedLogins.push(auth.username ?? '');
      return callback(new Error(options.echoPasswordOnRefusal ? `Invalid login ${auth.username}/${auth.password}` : 'Invalid username or password'));
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        mails.push(parseMail(raw, {
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          user: typeof session.user === 'string' ? session.user : null,
        }));
        callback();
      });
    },
  });
  let server = make();
  let port = 0;
  const listen = (): Promise<void> => new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      port = (server.server.address() as AddressInfo).port;
      resolve();
    });
  });
  await listen();
  return {
    get port() { return port; },
    mails,
    refusedLogins,
    waitForMails: (n, timeoutMs = 10_000) => waitUntil(() => (mails.length >= n ? mails : null), timeoutMs, `${n} mail(s)`),
    close: () => new Promise((resolve) => server.close(() => resolve())),
    async reopen() {
      server = make();
      await listen();
    },
  };
}

function parseMail(raw: string, envelope: { from: string; to: string[]; user: string | null }): ReceivedMail {
  const split = raw.indexOf('\r\n\r\n');
  const head = split < 0 ? raw : raw.slice(0, split);
  const bodyRaw = split < 0 ? '' : raw.slice(split + 4);
  const headers: Record<string, string> = {};
  for (const line of head.replace(/\r\n[ \t]+/g, ' ').split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  const encoding = (headers['content-transfer-encoding'] ?? '7bit').toLowerCase();
  let text = bodyRaw;
  if (encoding === 'quoted-printable') {
    text = Buffer.from(
      bodyRaw.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/gi, (_, h: string) => String.fromCharCode(parseInt(h, 16))),
      'latin1',
    ).toString('utf8');
  } else if (encoding === 'base64') {
    text = Buffer.from(bodyRaw.replace(/\s+/g, ''), 'base64').toString('utf8');
  }
  return { ...envelope, headers, subject: decodeWords(headers.subject ?? ''), text: text.replace(/\r\n/g, '\n'), raw };
}

/** RFC 2047 encoded words (=?UTF-8?Q?...?= and =?UTF-8?B?...?=), as nodemailer writes long or non-ASCII subjects. */
function decodeWords(value: string): string {
  return value
    .replace(/\?=\s+=\?/g, '?==?')
    .replace(/=\?([^?]+)\?([QB])\?([^?]*)\?=/gi, (_, _charset: string, enc: string, data: string) =>
      enc.toUpperCase() === 'B'
        ? Buffer.from(data, 'base64').toString('utf8')
        : Buffer.from(data.replace(/_/g, ' ').replace(/=([0-9A-F]{2})/gi, (_m, h: string) => String.fromCharCode(parseInt(h, 16))), 'latin1').toString('utf8'));
}

export interface ReceivedRequest {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: string;
}

export type HttpMode = { kind: 'ok'; status?: number; body?: string } | { kind: 'fail'; status: number; body: string } | { kind: 'hang' };

export interface HttpReceiver {
  /** http://127.0.0.1:PORT */
  baseUrl: string;
  port: number;
  requests: ReceivedRequest[];
  /** How to answer from now on: 'ok' (200), 'fail' (a status and body), 'hang' (never answer). */
  setMode(mode: HttpMode): void;
  waitForRequests(n: number, timeoutMs?: number): Promise<ReceivedRequest[]>;
  close(): Promise<void>;
  reopen(): Promise<void>;
}

export async function startHttpReceiver(defaultOk: { status?: number; body?: string } = {}): Promise<HttpReceiver> {
  const requests: ReceivedRequest[] = [];
  let mode: HttpMode = { kind: 'ok', ...defaultOk };
  const hanging = new Set<ServerResponse>();
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      requests.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      if (mode.kind === 'hang') {
        hanging.add(res);
        return;
      }
      const status = mode.kind === 'fail' ? mode.status : (mode.status ?? 200);
      res.writeHead(status, { 'content-type': 'text/plain' });
      res.end(mode.body ?? 'ok');
    });
  });
  let port = 0;
  const listen = (): Promise<void> => new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      port = (server.address() as AddressInfo).port;
      resolve();
    });
  });
  await listen();
  return {
    get baseUrl() { return `http://127.0.0.1:${port}`; },
    get port() { return port; },
    requests,
    setMode: (m) => { mode = m; },
    waitForRequests: (n, timeoutMs = 10_000) => waitUntil(() => (requests.length >= n ? requests : null), timeoutMs, `${n} request(s)`),
    close: () => new Promise((resolve) => {
      for (const res of hanging) res.destroy();
      hanging.clear();
      server.close(() => resolve());
      server.closeAllConnections();
    }),
    reopen: listen,
  };
}

async function waitUntil<T>(probe: () => T | null, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== null) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** The user and password of an HTTP Basic Authorization header. */
export function basicAuth(headers: IncomingMessage['headers']): { user: string; password: string } | null {
  const match = /^Basic (.+)$/.exec(headers.authorization ?? '');
  if (!match?.[1]) return null;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon < 0 ? null : { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

/** A port on which nothing listens (bound once, then released): connecting to it is refused. */
export async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}
