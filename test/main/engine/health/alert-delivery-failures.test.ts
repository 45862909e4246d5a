/**
 * Channels that are down: connection refused, HTTP 500, no answer. The
 * evaluation still finishes, the other channels still get the alert, the
 * failure is recorded, and a later evaluation delivers it (with backoff).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { retryDelayMs } from '../../../../main/engine/health/alert-dispatcher.ts';
import { alertRig, minutes, noRecentBackup, settle } from './alert-fixture.ts';

const T0 = new Date('2026-11-27T10:00:00.000Z');

test('Slack refusing connections and Twilio answering 500 do not stop e-mail; both are retried and delivered when back', async (t) => {
  const rig = await alertRig(t);
  await rig.slack.close();
  rig.twilio.setMode({ kind: 'fail', status: 500, body: 'internal error' });

  const first = await rig.reconcile([noRecentBackup()], T0);
  assert.deepEqual({ opened: first.opened, delivered: first.delivered, failed: first.failedDeliveries }, { opened: 1, delivered: 1, failed: 2 });
  await rig.smtp.waitForMails(1);
  const alert = rig.store.openAlerts()[0]!;
  const slackRow = rig.store.lastNotification(alert.id, 'slack')!;
  assert.equal(slackRow.ok, false);
  assert.equal(slackRow.attempts, 1);
  assert.match(slackRow.error ?? '', /refused the connection/);
  const smsRow = rig.store.lastNotification(alert.id, 'sms')!;
  assert.equal(smsRow.ok, false);
  assert.match(smsRow.error ?? '', /HTTP 500/);
  assert.ok(rig.logs.some((l) => l.startsWith('warn') && l.includes('slack')), 'the failure is logged');

  const tooSoon = await rig.reconcile([noRecentBackup()], new Date(T0.getTime() + 30_000));
  assert.equal(tooSoon.delivered + tooSoon.failedDeliveries, 0, 'no retry before the backoff');

  const stillDown = await rig.reconcile([noRecentBackup()], minutes(T0, 1));
  assert.equal(stillDown.failedDeliveries, 2, 'retried after a minute, still down');
  assert.equal(rig.store.lastNotification(alert.id, 'slack')!.attempts, 2);
  const notYet = await rig.reconcile([noRecentBackup()], minutes(T0, 2));
  assert.equal(notYet.failedDeliveries, 0, 'the second retry waits two minutes');

  await rig.slack.reopen();
  rig.twilio.setMode({ kind: 'ok', status: 201 });
  const back = await rig.reconcile([noRecentBackup()], minutes(T0, 3));
  assert.deepEqual({ delivered: back.delivered, failed: back.failedDeliveries }, { delivered: 2, failed: 0 });
  assert.equal(rig.slack.requests.length, 1);
  assert.match(JSON.parse(rig.slack.requests[0]!.body).text, /CRITICAL: No backup in the last hour/);
  const okRow = rig.store.lastNotification(alert.id, 'slack')!;
  assert.deepEqual([okRow.ok, okRow.attempts, okRow.kind], [true, 3, 'opened'], 'success recorded with its attempt number');
  assert.deepEqual(rig.store.notificationsFor(alert.id).filter((n) => n.channel === 'email').map((n) => n.ok), [true], 'e-mail was not sent again');

  const quiet = await rig.reconcile([noRecentBackup()], minutes(T0, 10));
  assert.equal(quiet.delivered + quiet.failedDeliveries, 0, 'delivered once: nothing more to do');
  await settle();
  assert.equal(rig.smtp.mails.length, 1);
});

test('an SMTP server that is down is retried; a channel that never answers times out without holding up the rest', async (t) => {
  const rig = await alertRig(t, { timeoutSeconds: 1, sms: { enabled: false } });
  await rig.smtp.close();
  rig.slack.setMode({ kind: 'hang' });
  const started = Date.now();
  const first = await rig.reconcile([noRecentBackup()], T0);
  const took = Date.now() - started;
  assert.deepEqual([first.delivered, first.failedDeliveries], [0, 2]);
  assert.ok(took < 5_000, `a hanging channel costs about the timeout, not more (took ${took} ms)`);
  const alert = rig.store.openAlerts()[0]!;
  assert.match(rig.store.lastNotification(alert.id, 'email')!.error ?? '', /SMTP server 127\.0\.0\.1:\d+ refused the connection/);
  assert.match(rig.store.lastNotification(alert.id, 'slack')!.error ?? '', /did not answer within 1 s/);

  await rig.smtp.reopen();
  rig.slack.setMode({ kind: 'ok' });
  const back = await rig.reconcile([noRecentBackup()], minutes(T0, 1));
  assert.deepEqual([back.delivered, back.failedDeliveries], [2, 0]);
  const [mail] = await rig.smtp.waitForMails(1);
  assert.match(mail!.subject, /CRITICAL: No backup in the last hour/);
});

test('a resolved message that fails is retried; an opening that never arrived gets no resolved message', async (t) => {
  const rig = await alertRig(t);
  rig.twilio.setMode({ kind: 'fail', status: 500, body: 'x' });
  await rig.reconcile([noRecentBackup()], T0);
  await rig.smtp.waitForMails(1);
  assert.equal(rig.slack.requests.length, 1);
  const smsAttempts = rig.twilio.requests.length;
  assert.ok(smsAttempts > 0);
  rig.twilio.setMode({ kind: 'ok', status: 201 });

  rig.slack.setMode({ kind: 'fail', status: 503, body: 'busy' });
  await rig.smtp.close();
  const resolved = await rig.reconcile([], minutes(T0, 20));
  assert.deepEqual([resolved.resolved, resolved.delivered, resolved.failedDeliveries], [1, 0, 2]);
  rig.slack.setMode({ kind: 'ok' });
  await rig.smtp.reopen();
  const retry = await rig.reconcile([], minutes(T0, 21));
  assert.deepEqual([retry.delivered, retry.failedDeliveries], [2, 0]);
  const mails = await rig.smtp.waitForMails(2);
  assert.match(mails[1]!.subject, /Resolved/);
  assert.match(JSON.parse(rig.slack.requests.at(-1)!.body).text, /Resolved/);
  assert.equal(rig.twilio.requests.length, smsAttempts, 'SMS never got the alert, so it gets no resolved message and no more retries');
});

test('retry delays double from a minute up to an hour', () => {
  assert.deepEqual([1, 2, 3, 4, 7, 8, 20].map((n) => retryDelayMs(n) / 60_000), [1, 2, 4, 8, 60, 60, 60]);
});
