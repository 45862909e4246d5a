/**
 * The dispatcher against real receivers: routing by severity, message content,
 * dedup, reminders, resolved messages and the desktop event.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AlertEvent } from '../../../../main/engine/health/alert-types.ts';
import { basicAuth } from '../../../support/receivers.ts';
import {
  alertRig, MAIL_TO, minutes, noRecentBackup, settle, SLACK_PATH, SMS_FROM, SMS_TO, SMTP_USER, tooFewBackups, TWILIO_SID, TWILIO_TOKEN,
} from './alert-fixture.ts';

const T0 = new Date('2026-11-27T10:00:00.000Z');

test('a warning reaches e-mail only; a critical reaches e-mail, Slack and SMS with the right content', async (t) => {
  const rig = await alertRig(t);

  const warn = await rig.reconcile([tooFewBackups()], T0);
  assert.deepEqual({ opened: warn.opened, delivered: warn.delivered, failed: warn.failedDeliveries }, { opened: 1, delivered: 1, failed: 0 });
  const [warnMail] = await rig.smtp.waitForMails(1);
  await settle();
  assert.equal(rig.slack.requests.length, 0, 'a warning does not go to Slack');
  assert.equal(rig.twilio.requests.length, 0, 'a warning does not go to SMS');
  assert.match(warnMail!.subject, /WARNING: Fewer than 20 backups today/);
  assert.match(warnMail!.text, /Only 7 database snapshots/);
  assert.deepEqual(warnMail!.to, MAIL_TO);
  assert.equal(warnMail!.user, SMTP_USER, 'the client logged in');

  const crit = await rig.reconcile([tooFewBackups(), noRecentBackup()], minutes(T0, 1));
  assert.deepEqual({ opened: crit.opened, delivered: crit.delivered, failed: crit.failedDeliveries }, { opened: 1, delivered: 3, failed: 0 });
  const mails = await rig.smtp.waitForMails(2);
  assert.equal(mails.length, 2, 'the warning was not sent again');
  const critMail = mails[1]!;
  assert.match(critMail.subject, /CRITICAL: No backup in the last hour/);
  assert.match(critMail.text, /last backed up 2 h ago/);
  assert.match(critMail.text, /Host: ws1/);
  assert.equal(critMail.headers['x-quantai-alert'], 'no-recent-backup:tier-1');

  assert.equal(rig.slack.requests.length, 1);
  const slackReq = rig.slack.requests[0]!;
  assert.equal(slackReq.method, 'POST');
  assert.equal(slackReq.path, SLACK_PATH, 'posted to the webhook URL from the secret');
  assert.match(String(slackReq.headers['content-type']), /application\/json/);
  const payload = JSON.parse(slackReq.body) as { text: string };
  assert.match(payload.text, /^\*\[QuantAI Backup\] CRITICAL: No backup in the last hour\*\n/);
  assert.match(payload.text, /last backed up 2 h ago/);

  assert.equal(rig.twilio.requests.length, SMS_TO.length, 'one Twilio request per recipient');
  for (const [i, req] of rig.twilio.requests.entries()) {
    assert.equal(req.method, 'POST');
    assert.equal(req.path, `/2010-04-01/Accounts/${TWILIO_SID}/Messages.json`);
    assert.match(String(req.headers['content-type']), /application\/x-www-form-urlencoded/);
    assert.deepEqual(basicAuth(req.headers), { user: TWILIO_SID, password: TWILIO_TOKEN });
    const form = new URLSearchParams(req.body);
    assert.equal(form.get('To'), SMS_TO[i]);
    assert.equal(form.get('From'), SMS_FROM);
    assert.match(form.get('Body') ?? '', /CRITICAL: No backup in the last hour/);
    assert.ok((form.get('Body') ?? '').length <= 300, 'an SMS stays short');
  }

  const rows = rig.store.notificationsFor(rig.store.openAlerts().find((a) => a.severity === 'critical')!.id);
  assert.deepEqual(rows.map((r) => [r.channel, r.kind, r.ok]).sort(), [['email', 'opened', true], ['slack', 'opened', true], ['sms', 'opened', true]]);
});

test('three evaluations of the same condition send one message; a reminder goes out after the interval', async (t) => {
  const rig = await alertRig(t, { reminderMinutes: 240, sms: { enabled: false }, slack: { enabled: true } });
  for (const m of [0, 1, 2]) {
    const r = await rig.reconcile([noRecentBackup({ message: `The trading database was last backed up ${120 + m} min ago.` })], minutes(T0, m));
    assert.equal(r.opened, m === 0 ? 1 : 0);
    assert.equal(r.reminded, 0);
  }
  await rig.smtp.waitForMails(1);
  await settle();
  assert.equal(rig.smtp.mails.length, 1, 'one e-mail across three evaluations');
  assert.equal(rig.slack.requests.length, 1, 'one Slack message across three evaluations');
  const [alert] = rig.store.openAlerts();
  assert.equal(alert!.notifyCount, 1);
  assert.match(alert!.message, /122 min ago/, 'the open alert carries the latest wording');

  const early = await rig.reconcile([noRecentBackup()], minutes(T0, 239));
  assert.equal(early.reminded, 0, 'no reminder before the interval');
  const due = await rig.reconcile([noRecentBackup()], minutes(T0, 240));
  assert.equal(due.reminded, 1);
  const mails = await rig.smtp.waitForMails(2);
  assert.match(mails[1]!.subject, /Still CRITICAL after 4 h: No backup in the last hour/);
  assert.equal(rig.slack.requests.length, 2);
  const after = await rig.reconcile([noRecentBackup()], minutes(T0, 241));
  assert.equal(after.reminded, 0, 'the next reminder waits another interval');
  await settle();
  assert.equal(rig.smtp.mails.length, 2);
  assert.equal(rig.store.openAlerts()[0]!.notifyCount, 2);
});

test('a condition that disappears resolves its alert and tells only the channels that got it', async (t) => {
  const rig = await alertRig(t);
  await rig.reconcile([tooFewBackups(), noRecentBackup()], T0);
  await rig.smtp.waitForMails(2);
  assert.equal(rig.slack.requests.length, 1);

  const r = await rig.reconcile([tooFewBackups()], minutes(T0, 30));
  assert.equal(r.resolved, 1);
  assert.equal(r.delivered, 3, 'resolved goes to e-mail, Slack and SMS (the channels that got the critical)');
  const mails = await rig.smtp.waitForMails(3);
  assert.match(mails[2]!.subject, /Resolved: No backup in the last hour/);
  assert.match(mails[2]!.text, /Resolved after 30 min/);
  assert.match(JSON.parse(rig.slack.requests[1]!.body).text, /Resolved: No backup in the last hour/);
  assert.match(new URLSearchParams(rig.twilio.requests.at(-1)!.body).get('Body') ?? '', /RESOLVED: No backup in the last hour/);

  const again = await rig.reconcile([tooFewBackups()], minutes(T0, 31));
  assert.deepEqual([again.resolved, again.delivered], [0, 0], 'the resolved message is sent once');
  await settle();
  assert.equal(rig.smtp.mails.length, 3);
  assert.equal(rig.store.openAlerts().length, 1, 'the warning stays open');
  const resolved = rig.store.resolvedSince(T0);
  assert.equal(resolved.length, 1);
  assert.equal(resolved[0]!.resolvedAt, minutes(T0, 30).toISOString());

  // The same condition coming back is a new alert, notified again.
  const back = await rig.reconcile([tooFewBackups(), noRecentBackup()], minutes(T0, 60));
  assert.equal(back.opened, 1);
  await rig.smtp.waitForMails(4);
});

test('desktop notifications go through the engine\'s alert event, filtered by the desktop level', async (t) => {
  const rig = await alertRig(t, { email: { enabled: false }, slack: { enabled: false }, sms: { enabled: false }, desktop: 'warnings' });
  const seen: AlertEvent[] = [];
  const none = await rig.reconcile([noRecentBackup()], T0);
  assert.equal(none.delivered, 0, 'no host listening: nothing to deliver to, nothing recorded as failed');
  assert.equal(none.failedDeliveries, 0);
  rig.events.on('alert', (e) => seen.push(e));
  const later = await rig.reconcile([noRecentBackup()], minutes(T0, 1));
  assert.equal(later.delivered, 1, 'a host that starts listening gets the open alert');
  await rig.reconcile([noRecentBackup()], minutes(T0, 2));
  assert.deepEqual(seen.map((e) => [e.kind, e.alert.key, e.alert.severity]), [['opened', 'no-recent-backup:tier-1', 'critical']]);
  await rig.reconcile([], minutes(T0, 3));
  assert.equal(seen.length, 1, "level 'warnings' shows problems, not their resolution");
});

test("desktop level 'all' also shows the resolution", async (t) => {
  const rig = await alertRig(t, { email: { enabled: false }, slack: { enabled: false }, sms: { enabled: false } });
  const seen: AlertEvent[] = [];
  rig.events.on('alert', (e) => seen.push(e));
  await rig.reconcile([tooFewBackups()], T0);
  await rig.reconcile([], minutes(T0, 5));
  assert.deepEqual(seen.map((e) => e.kind), ['opened', 'resolved']);
  assert.equal(seen[1]!.alert.resolvedAt, minutes(T0, 5).toISOString());
});
