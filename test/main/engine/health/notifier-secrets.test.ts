/**
 * Channel secrets never leak: not in errors, logs or the catalog, even when
 * the far end echoes them back (Slack's URL in an error page, an SMTP server
 * repeating the password, a proxy repeating the Authorization header).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { createEmailNotifier } from '../../../../main/engine/health/notifiers/email-notifier.ts';
import { DeliveryError, redact } from '../../../../main/engine/health/notifiers/notifier.ts';
import { createSlackNotifier } from '../../../../main/engine/health/notifiers/slack-notifier.ts';
import { createSmsNotifier } from '../../../../main/engine/health/notifiers/sms-notifier.ts';
import { composeTestMessage } from '../../../../main/engine/health/alert-messages.ts';
import { alertsSchema } from '../../../../main/engine/config/alerts-schema.ts';
import { startHttpReceiver, startSmtpReceiver } from '../../../support/receivers.ts';
import { alertRig, noRecentBackup, SLACK_PATH, TWILIO_TOKEN } from './alert-fixture.ts';

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
  assert.equal(err.failure, 'auth');
  assert.match(err.message, /refused the credentials \(HTTP 401/);
  assert.match(err.message, /Twilio error 20003/);
  assert.ok(!err.message.includes(TWILIO_TOKEN), err.message);
  assert.ok(!err.message.includes(Buffer.from(TWILIO_TOKEN).toString('base64')), err.message);
});

test('redact replaces a secret in its plain, URL-encoded and base64 forms and leaves other text alone', () => {
  const secret = 'https://hooks.slack.com/services/T/B/abc';
  const text = `a ${secret} b ${encodeURIComponent(secret)} c ${Buffer.from(secret).toString('base64')} d`;
  assert.equal(redact(text, [secret, null]), 'a *** b *** c *** d');
  assert.equal(redact('nothing here', [secret]), 'nothing here');
});
