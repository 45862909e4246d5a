/**
 * Channel secrets never leak: not in errors, logs or the catalog, even when
 * the far end echoes them back (Slack's URL in an error page, an SMTP server
 * repeating the password, a proxy repeating the Authorization header).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import { networkInterfaces } from 'node:os';
import { test, type TestContext } from 'node:test';
import { createEmailNotifier, smtpTransportOptions } from '../../../../main/engine/health/notifiers/email-notifier.ts';
import { DeliveryError, redact } from '../../../../main/engine/health/notifiers/notifier.ts';
import { createSlackNotifier } from '../../../../main/engine/health/notifiers/slack-notifier.ts';
import { createSmsNotifier } from '../../../../main/engine/health/notifiers/sms-notifier.ts';
import { composeTestMessage } from '../../../../main/engine/health/alert-messages.ts';
import { alertsSchema } from '../../../../main/engine/config/alerts-schema.ts';
import { startHttpReceiver, startSmtpReceiver } from '../../../support/receivers.ts';
import { alertRig, noRecentBackup, SLACK_PATH, SMTP_PASSWORD, SMTP_USER, TWILIO_SID, TWILIO_TOKEN } from './alert-fixture.ts';

const message = composeTestMessage('slack', { hostname: 'ws1', now: new Date('2026-11-27T10:00:00Z') });

async function failure(p: Promise<unknown>): Promise<DeliveryError> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof DeliveryError, `expected a DeliveryError, got ${String(err)}`);
    return err;
  }
  assert.fail('expected the delivery to fail');
}

test('a Slack error page that echoes the webhook URL does not leak it into the error, the log or the catalog', async (t) => {
  const rig = await alertRig(t, { email: { enabled: false }, sms: { enabled: false } });
  const url = `${rig.slack.baseUrl}${SLACK_PATH}`;
  rig.slack.setMode({ kind: 'fail', status: 500, body: `upstream error posting to ${url} (token ${SLACK_PATH.split('/').at(-1)}), path ${encodeURIComponent(SLACK_PATH)}` });

  const direct = await failure(createSlackNotifier({ webhookUrl: url, timeoutMs: 2000 }).send(message));
  assert.equal(direct.failure, 'rejected');
  assert.match(direct.message, /HTTP 500/);
  assert.match(direct.message, /127\.0\.0\.1:\d+/, 'the host is named so the user knows where it failed');

  const result = await rig.reconcile([noRecentBackup()], new Date('2026-11-27T10:00:00Z'));
  assert.equal(result.failedDeliveries, 1);
  const stored = rig.store.notificationsFor(rig.store.openAlerts()[0]!.id);
  assert.match(stored[0]!.error ?? '', /HTTP 500/);

  const token = SLACK_PATH.split('/').at(-1)!;
  rig.catalog.database.pragma('wal_checkpoint(TRUNCATE)');
  const catalogBytes = readFileSync(rig.catalog.database.name).toString('latin1');
  for (const [where, text] of [['error', direct.message], ['catalog row', stored[0]!.error ?? ''], ['log', rig.logs.join('\n')], ['catalog file', catalogBytes]] as const) {
    assert.ok(!text.includes(token), `the webhook token is not in the ${where}`);
    assert.ok(!text.includes(SLACK_PATH), `the webhook path is not in the ${where}`);
  }
});

test('an SMTP login refusal does not leak the password, even when the server repeats it', async (t) => {
  const password = 'hunter2-but-longer-9f3c';
  const smtp = await startSmtpReceiver({ username: 'alerts-bot', password: 'the-right-one', echoPasswordOnRefusal: true });
  t.after(() => smtp.close());
  const settings = alertsSchema.parse({
    email: { enabled: true, host: '127.0.0.1', port: smtp.port, username: 'alerts-bot', from: 'b@q.example', to: ['o@q.example'] },
  }).email;
  const err = await failure(createEmailNotifier({ settings, password, timeoutMs: 5000 }).send(message));
  assert.deepEqual(smtp.refusedLogins, ['alerts-bot'], 'the server saw the login and refused it');
  assert.equal(err.failure, 'auth');
  assert.match(err.message, /refused the login/);
  assert.match(err.message, /\*\*\*/, 'the echoed password was replaced');
  assert.ok(!err.message.includes(password), err.message);
  assert.ok(!(err.stack ?? '').includes(password));
});

test('a Twilio refusal that repeats the Authorization header does not leak the token', async (t) => {
  const twilio = await startHttpReceiver();
  t.after(() => twilio.close());
  const authHeader = `Basic ${Buffer.from(`ACabc12345678:${TWILIO_TOKEN}`).toString('base64')}`;
  twilio.setMode({ kind: 'fail', status: 401, body: JSON.stringify({ code: 20003, message: `Authenticate failed for ${authHeader} (${TWILIO_TOKEN})` }) });
  const settings = alertsSchema.parse({
    sms: { enabled: true, accountSid: 'ACabc12345678', from: '+15550001111', to: ['+15550002222'], apiBaseUrl: twilio.baseUrl },
  }).sms;
  const err = await failure(createSmsNotifier({ settings, authToken: TWILIO_TOKEN, timeoutMs: 2000 }).send(message));
  assert.equal(twilio.requests.length, 1);
  assert.equal(twilio.requests[0]!.headers.authorization, authHeader, 'the server echoed exactly the header it received');
  assert.equal(err.failure, 'auth');
  assert.match(err.message, /refused the credentials \(HTTP 401/);
  assert.match(err.message, /Twilio error 20003/);
  assertNoForms('error', err.message, twilioForms('ACabc12345678'));
  assertNoForms('stack', err.stack ?? '', twilioForms('ACabc12345678'));
});

/** Every string that would reveal the Twilio token: as sent in the Basic header, and in the forms a server might repeat it. */
function twilioForms(sid: string): Record<string, string> {
  const credential = `${sid}:${TWILIO_TOKEN}`;
  return {
    'the token': TWILIO_TOKEN,
    'the base64 of the token': Buffer.from(TWILIO_TOKEN).toString('base64'),
    'the Basic credential': credential,
    'the URL-encoded Basic credential': encodeURIComponent(credential),
    "the Basic credential's base64 (the Authorization header)": Buffer.from(credential).toString('base64'),
  };
}

function assertNoForms(where: string, text: string, forms: Record<string, string>): void {
  for (const [name, form] of Object.entries(forms)) {
    assert.ok(!text.includes(form), `${name} is not in the ${where}: ${text.slice(0, 400)}`);
  }
}

test('a Twilio proxy that echoes the Authorization header leaks nothing into the error, the log or the catalog', async (t) => {
  const rig = await alertRig(t, { email: { enabled: false }, slack: { enabled: false } });
  const authHeader = `Basic ${Buffer.from(`${TWILIO_SID}:${TWILIO_TOKEN}`).toString('base64')}`;
  const credential = `${TWILIO_SID}:${TWILIO_TOKEN}`;
  rig.twilio.setMode({
    kind: 'fail',
    status: 401,
    body: `<html>proxy: bad credentials. authorization: ${authHeader}; raw ${credential}; encoded ${encodeURIComponent(credential)}</html>`,
  });
  const forms = twilioForms(TWILIO_SID);

  const direct = await failure(createSmsNotifier({ settings: rig.config.sms, authToken: TWILIO_TOKEN, timeoutMs: 2000 }).send(message));
  assert.equal(rig.twilio.requests[0]!.headers.authorization, authHeader, 'the proxy echoes exactly the header it received');
  assert.equal(direct.failure, 'auth');
  assert.match(direct.message, /authorization: \*\*\*/, 'the echoed header was replaced, not dropped silently');

  const result = await rig.reconcile([noRecentBackup()], new Date('2026-11-27T10:00:00Z'));
  assert.equal(result.failedDeliveries, 1);
  const stored = rig.store.notificationsFor(rig.store.openAlerts()[0]!.id);
  assert.match(stored[0]!.error ?? '', /HTTP 401/);
  assert.ok(rig.logs.some((l) => l.includes('HTTP 401')), 'the failure is logged');

  rig.catalog.database.pragma('wal_checkpoint(TRUNCATE)');
  const catalogBytes = readFileSync(rig.catalog.database.name).toString('latin1');
  for (const [where, text] of [['error', direct.message], ['catalog row', stored[0]!.error ?? ''], ['log', rig.logs.join('\n')], ['catalog file', catalogBytes]] as const) {
    assertNoForms(where, text, forms);
  }
});

/**
 * A minimal SMTP server that repeats the client's credentials in its refusal
 * exactly as they arrived (AUTH PLAIN's base64 line, AUTH LOGIN's base64
 * user and password), and keeps every command it received.
 */
async function startEchoingSmtp(t: TestContext, mechanism: 'PLAIN' | 'LOGIN', host = '127.0.0.1'): Promise<{ port: number; commands: string[] }> {
  const commands: string[] = [];
  const server = createNetServer((socket) => {
    let buffer = '';
    let state: 'command' | 'login-user' | 'login-pass' = 'command';
    let userLine = '';
    const reply = (line: string): void => { socket.write(`${line}\r\n`); };
    const handle = (line: string): void => {
      commands.push(line);
      if (state === 'login-user') {
        userLine = line;
        state = 'login-pass';
        return reply('334 UGFzc3dvcmQ6');
      }
      if (state === 'login-pass') {
        state = 'command';
        return reply(`535 5.7.8 refused login ${userLine} with ${line}`);
      }
      const verb = line.split(' ')[0]!.toUpperCase();
      if (verb === 'EHLO') return reply(`250-fake.example\r\n250-AUTH ${mechanism}\r\n250 8BITMIME`);
      if (verb === 'AUTH' && mechanism === 'LOGIN') {
        state = 'login-user';
        return reply('334 VXNlcm5hbWU6');
      }
      if (verb === 'AUTH') return reply(`535 5.7.8 refused: ${line}`);
      if (verb === 'STARTTLS') return reply('502 5.5.1 STARTTLS not offered');
      if (verb === 'QUIT') {
        reply('221 bye');
        socket.end();
        return;
      }
      reply('502 5.5.2 unknown command');
    };
    socket.on('error', () => undefined);
    socket.on('data', (chunk: Buffer) => {
      buffer += chunk.toString('latin1');
      for (let end = buffer.indexOf('\r\n'); end >= 0; end = buffer.indexOf('\r\n')) {
        const line = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        handle(line);
      }
    });
    reply('220 fake.example ESMTP');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => resolve());
  });
  t.after(() => new Promise<void>((resolve) => { server.close(() => resolve()); }));
  return { port: (server.address() as AddressInfo).port, commands };
}

function smtpForms(user: string, password: string): Record<string, string> {
  return {
    'the password': password,
    "AUTH LOGIN's base64 of the password": Buffer.from(password).toString('base64'),
    "AUTH PLAIN's base64 of \\0user\\0password": Buffer.from(`\0${user}\0${password}`).toString('base64'),
  };
}

// AUTH PLAIN puts the password 2 + username-length bytes into what it encodes: these user names put it at
// both offsets (1 and 2, mod 3) where base64(password) is not a substring of the base64 that is sent.
for (const [mechanism, user] of [['PLAIN', 'alerts-bot1'], ['PLAIN', 'alerts-bot12'], ['LOGIN', SMTP_USER]] as const) {
  test(`an SMTP server that echoes the AUTH ${mechanism} credentials of ${user} leaks nothing into the error, the log or the catalog`, async (t) => {
    const smtp = await startEchoingSmtp(t, mechanism);
    const rig = await alertRig(t, {
      email: { enabled: true, host: '127.0.0.1', port: smtp.port, username: user, from: 'backup@ws1.quant.example', to: ['ops@quant.example'] },
      slack: { enabled: false },
      sms: { enabled: false },
    });
    const forms = smtpForms(user, SMTP_PASSWORD);

    const direct = await failure(createEmailNotifier({ settings: rig.config.email, password: SMTP_PASSWORD, timeoutMs: 5000 }).send(message));
    const sent = smtp.commands.filter((c) => c.startsWith('AUTH') || !/^[A-Z]{4}/.test(c)).join('\n');
    if (mechanism === 'PLAIN') assert.ok(sent.includes(forms["AUTH PLAIN's base64 of \\0user\\0password"]!), 'the server got the AUTH PLAIN credential it echoes');
    else assert.ok(sent.includes(forms["AUTH LOGIN's base64 of the password"]!), 'the server got the AUTH LOGIN password it echoes');
    assert.equal(direct.failure, 'auth');
    assert.match(direct.message, /refused the login \(server said: 535/);
    assert.match(direct.message, /\*\*\*/, 'the echoed credential was replaced');

    const result = await rig.reconcile([noRecentBackup()], new Date('2026-11-27T10:00:00Z'));
    assert.equal(result.failedDeliveries, 1);
    const stored = rig.store.notificationsFor(rig.store.openAlerts()[0]!.id);
    assert.match(stored[0]!.error ?? '', /refused the login/);
    assert.ok(rig.logs.some((l) => l.includes('refused the login')), 'the failure is logged');

    rig.catalog.database.pragma('wal_checkpoint(TRUNCATE)');
    const catalogBytes = readFileSync(rig.catalog.database.name).toString('latin1');
    for (const [where, text] of [['error', direct.message], ['stack', direct.stack ?? ''], ['catalog row', stored[0]!.error ?? ''], ['log', rig.logs.join('\n')], ['catalog file', catalogBytes]] as const) {
      assertNoForms(where, text, forms);
    }
  });
}

/** An address of this machine that is not loopback, so the notifier treats it as a remote server; null when there is none. */
function nonLoopbackAddress(): string | null {
  for (const list of Object.values(networkInterfaces())) {
    for (const entry of list ?? []) {
      if (!entry.internal && entry.family === 'IPv4') return entry.address;
    }
  }
  return null;
}

test('a remote SMTP server whose STARTTLS was stripped never gets the password: the login is not attempted', async (t) => {
  const address = nonLoopbackAddress();
  if (!address) {
    t.skip('no non-loopback IPv4 address on this machine');
    return;
  }
  // The server (or a man in the middle) does not offer STARTTLS but happily takes AUTH PLAIN.
  const smtp = await startEchoingSmtp(t, 'PLAIN', address);
  const settings = alertsSchema.parse({
    email: { enabled: true, host: address, port: smtp.port, username: SMTP_USER, from: 'b@q.example', to: ['o@q.example'] },
  }).email;
  const err = await failure(createEmailNotifier({ settings, password: SMTP_PASSWORD, timeoutMs: 5000 }).send(message));
  assert.ok(!smtp.commands.some((c) => /^AUTH/i.test(c)), `no login over the plain connection: ${smtp.commands.join(' | ')}`);
  assert.ok(smtp.commands.some((c) => /^STARTTLS/i.test(c)), 'the client insisted on STARTTLS');
  assert.ok(!smtp.commands.some((c) => /^MAIL/i.test(c)), 'and sent no mail in clear');
  assert.match(err.message, /STARTTLS/);
  assert.match(err.message, /neither the login nor the message was sent/);
  assertNoForms('error', err.message, smtpForms(SMTP_USER, SMTP_PASSWORD));
});

test('STARTTLS is required whenever a password would cross the network; loopback hosts are the only exemption', () => {
  const email = (over: Record<string, unknown>): ReturnType<typeof alertsSchema.parse>['email'] => alertsSchema.parse({
    email: { enabled: true, host: 'smtp.quant.example', port: 587, username: SMTP_USER, from: 'b@q.example', to: ['o@q.example'], ...over },
  }).email;
  assert.equal(smtpTransportOptions(email({}), 'pw', 1000).requireTLS, true, 'remote host, username, secure: false');
  assert.equal(smtpTransportOptions(email({ host: '10.0.0.5' }), 'pw', 1000).requireTLS, true);
  assert.equal(smtpTransportOptions(email({ host: '127.0.0.1.nip.example' }), 'pw', 1000).requireTLS, true, 'a name that only starts like loopback is remote');
  assert.equal(smtpTransportOptions(email({ secure: true, port: 465 }), 'pw', 1000).requireTLS, false, 'secure: true is TLS from the start');
  assert.equal(smtpTransportOptions(email({ username: undefined }), null, 1000).requireTLS, false, 'no login, no password to protect');
  for (const host of ['127.0.0.1', '127.0.0.53', '::1', 'localhost']) {
    assert.equal(smtpTransportOptions(email({ host }), 'pw', 1000).requireTLS, false, `${host} is loopback`);
  }
});

test('a plain-http Slack webhook to a remote host is refused in one line that does not show the URL', async () => {
  const url = 'http://hooks.slack.invalid/services/T0QUANT/B0ALERT/sLaCkToKeNnEvErShOwN';
  const err = await failure(createSlackNotifier({ webhookUrl: url, timeoutMs: 2000 }).send(message));
  assert.equal(err.failure, 'not-configured', 'refused before any request (an attempt would fail as unreachable)');
  assert.match(err.message, /^slack: the webhook URL secret is plain http to a remote host.*https/);
  assert.ok(!err.message.includes('\n'), 'one line');
  for (const part of [url, 'hooks.slack.invalid', '/services/T0QUANT/B0ALERT/sLaCkToKeNnEvErShOwN', 'sLaCkToKeNnEvErShOwN']) {
    assert.ok(!err.message.includes(part), `${part} is not shown`);
  }
  const https = await failure(createSlackNotifier({ webhookUrl: 'https://hooks.slack.invalid/services/T/B/x', timeoutMs: 2000 }).send(message));
  assert.equal(https.failure, 'unreachable', 'https to the same host is tried');
  const ftp = await failure(createSlackNotifier({ webhookUrl: 'ftp://hooks.slack.invalid/x', timeoutMs: 2000 }).send(message));
  assert.equal(ftp.failure, 'not-configured');
});

test('redact replaces a secret in its plain, URL-encoded and base64 forms and leaves other text alone', () => {
  const secret = 'https://hooks.slack.com/services/T/B/abc';
  const text = `a ${secret} b ${encodeURIComponent(secret)} c ${Buffer.from(secret).toString('base64')} d`;
  assert.equal(redact(text, [secret, null]), 'a *** b *** c *** d');
  assert.equal(redact('nothing here', [secret]), 'nothing here');
});

test('redact also removes a secret from base64 of a longer value, whatever its offset (Basic user:secret, AUTH PLAIN)', () => {
  const secret = 'tok-3f9a-77c1-never';
  for (const prefix of ['A:', 'AB:', 'ABC:', '\0u\0', '\0us\0', '\0use\0']) {
    const encoded = Buffer.from(`${prefix}${secret}`).toString('base64');
    const out = redact(`header ${encoded} end`, [secret]);
    assert.match(out, /\*\*\*/, `prefix ${JSON.stringify(prefix)}`);
    // What remains of the encoding can only be the prefix's characters and at most one mixed character on each side.
    const left = out.replace(/^header /, '').replace(/ end$/, '').split('***');
    assert.ok(left.every((part) => part.length <= Math.ceil(((prefix.length + 1) * 4) / 3) + 2), `${JSON.stringify(prefix)}: ${out}`);
    assert.ok(!Buffer.from(left.join(''), 'base64').toString('latin1').includes(secret.slice(0, 4)), out);
  }
  assert.equal(redact('short abcd', ['abcd']), 'short ***');
});
