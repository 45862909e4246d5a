/**
 * Issue 4's acceptance for alerts, end to end: a real repository and catalog,
 * the real health rules, engine.evaluateAlerts() and real receivers.
 * (1) a two-hour gap raises "no backup in the last hour" once and a new
 * snapshot resolves it; (2) a flipped byte found by `verify --read-data`
 * turns status critical and the alert goes out once to every critical channel.
 */
import assert from 'node:assert/strict';
import { chmodSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { createEngine } from '../../../../main/engine/engine.ts';
import type { AlertEvent } from '../../../../main/engine/health/alert-types.ts';
import { startHttpReceiver, startSmtpReceiver } from '../../../support/receivers.ts';
import { tempDir } from '../../../support/temp-dir.ts';
import { createTradingDb } from '../../../support/trading-db.ts';
import { fakeSecrets, settle, SLACK_PATH, SMTP_PASSWORD, SMTP_USER, TWILIO_TOKEN } from './alert-fixture.ts';

const PASSWORD = 'alert acceptance password';
const FAST_KDF = { N: 1024, r: 8, p: 1 };

async function setup(t: TestContext) {
  const dir = tempDir(t);
  const home = join(dir, 'home');
  const repo = join(dir, 'repo');
  const db = join(dir, 'trading.db');
  await createTradingDb(db, { accounts: 3, trades: 300 });
  const smtp = await startSmtpReceiver({ username: SMTP_USER, password: SMTP_PASSWORD });
  const slack = await startHttpReceiver();
  const twilio = await startHttpReceiver({ status: 201 });
  t.after(() => Promise.all([smtp.close(), slack.close(), twilio.close()]));
  let offsetMs = 0;
  // The engine's clock (which also stamps snapshots) is the wall clock plus a shift the test sets.
  const clock = { now: () => new Date(Date.now() + offsetMs) };
  const secrets = {
    ...fakeSecrets({ 'smtp-password': SMTP_PASSWORD, 'slack-webhook-url': `${slack.baseUrl}${SLACK_PATH}`, 'twilio-auth-token': TWILIO_TOKEN }),
    repositoryPassword: async () => PASSWORD,
  };
  const engine = createEngine({ home, secrets, clock, kdf: FAST_KDF });
  t.after(() => engine.close());
  await engine.initialize({ repoPath: repo, dbPath: db });
  const configFile = join(home, 'config.json');
  const config = JSON.parse(readFileSync(configFile, 'utf8')) as Record<string, unknown>;
  writeFileSync(configFile, JSON.stringify({
    ...config,
    alerts: {
      email: { enabled: true, host: '127.0.0.1', port: smtp.port, username: SMTP_USER, from: 'backup@ws1.example', to: ['ops@quant.example'] },
      slack: { enabled: true },
      sms: { enabled: true, accountSid: 'AC00112233445566', from: '+15550001111', to: ['+15550002222'], apiBaseUrl: twilio.baseUrl },
      timeoutSeconds: 5,
    },
  }));
  const desktop: AlertEvent[] = [];
  engine.events.on('alert', (e) => desktop.push(e));
  return { engine, repo, smtp, slack, twilio, desktop, shift: (ms: number) => { offsetMs = ms; } };
}

const HOUR = 3_600_000;
const mentions = (texts: string[], pattern: RegExp): number => texts.filter((x) => pattern.test(x)).length;

test('a two-hour gap raises "no backup in the last hour" exactly once; a new snapshot resolves it and the resolution is delivered', async (t) => {
  const { engine, smtp, slack, twilio, desktop, shift } = await setup(t);
  await engine.snapshotDatabase();
  const healthy = await engine.evaluateAlerts();
  assert.deepEqual([healthy.opened, healthy.open], [0, 0], 'right after a snapshot nothing is wrong');

  shift(2 * HOUR);
  const first = await engine.evaluateAlerts();
  assert.deepEqual([first.opened, first.open, first.failedDeliveries], [1, 1, 0]);
  assert.equal(first.delivered, 4, 'critical: e-mail, Slack, SMS and the desktop');
  for (const m of [1, 2, 3]) {
    shift(2 * HOUR + m * 60_000);
    const again = await engine.evaluateAlerts();
    assert.deepEqual([again.opened, again.reminded, again.delivered, again.failedDeliveries], [0, 0, 0, 0], `evaluation ${m + 1} sends nothing`);
  }
  await smtp.waitForMails(1);
  await settle();
  const gapTitle = /No backup in the last hour/;
  assert.equal(mentions(smtp.mails.map((m) => m.subject), gapTitle), 1, 'one e-mail');
  assert.equal(mentions(slack.requests.map((r) => r.body), gapTitle), 1, 'one Slack message');
  assert.equal(mentions(twilio.requests.map((r) => new URLSearchParams(r.body).get('Body') ?? ''), gapTitle), 1, 'one SMS');
  assert.deepEqual(desktop.map((e) => [e.kind, e.alert.rule]), [['opened', 'no-recent-backup']]);
  assert.match(smtp.mails[0]!.text, /is 2 h old/);

  await engine.snapshotDatabase();
  // The new snapshot is stamped with the engine's (shifted) clock: one second after it, only it can resolve
  // the gap (shifting back to the wall clock would make the first snapshot fresh again).
  shift(2 * HOUR + 3 * 60_000 + 1000);
  const resolved = await engine.evaluateAlerts();
  assert.deepEqual([resolved.resolved, resolved.open, resolved.failedDeliveries], [1, 0, 0]);
  assert.equal(resolved.delivered, 4, 'the resolution goes to every channel that got the alert');
  const mails = await smtp.waitForMails(2);
  assert.match(mails[1]!.subject, /Resolved: No backup in the last hour/);
  assert.match(JSON.parse(slack.requests.at(-1)!.body).text, /Resolved: No backup in the last hour/);
  assert.match(new URLSearchParams(twilio.requests.at(-1)!.body).get('Body') ?? '', /RESOLVED: No backup in the last hour/);
  assert.deepEqual(desktop.map((e) => e.kind), ['opened', 'resolved']);

  const quiet = await engine.evaluateAlerts();
  assert.deepEqual([quiet.opened, quiet.resolved, quiet.delivered], [0, 0, 0]);
  const overview = await engine.alerts();
  assert.equal(overview.open.length, 0);
  assert.deepEqual(overview.resolved.map((a) => a.rule), ['no-recent-backup']);
  assert.deepEqual(Object.values(overview.resolved[0]!.notifications).map((n) => [n.kind, n.ok]), [
    ['resolved', true], ['resolved', true], ['resolved', true], ['resolved', true],
  ]);
});

test('a flipped byte found by verify --read-data turns status critical and the alert goes out once to every critical channel', async (t) => {
  const { engine, repo, smtp, slack, twilio, desktop } = await setup(t);
  await engine.snapshotDatabase();
  assert.equal((await engine.evaluateAlerts()).open, 0);

  const packDir = readdirSync(join(repo, 'data'), { recursive: true, withFileTypes: true }).find((e) => e.isFile())!;
  const pack = join(packDir.parentPath, packDir.name);
  chmodSync(pack, 0o600);
  const bytes = readFileSync(pack);
  bytes[40] = bytes[40]! ^ 0x01;
  writeFileSync(pack, bytes);

  const outcome = await engine.verify({ level: 'full' });
  assert.equal(outcome.ok, false);
  assert.ok(outcome.damagedPacks.some((p) => p.pack === packDir.name), 'verification names the damaged pack');

  const first = await engine.evaluateAlerts();
  assert.equal((await engine.health()).overall, 'critical');
  assert.equal(first.opened, 1);
  assert.equal(first.failedDeliveries, 0);
  for (let i = 0; i < 3; i++) {
    const again = await engine.evaluateAlerts();
    assert.deepEqual([again.opened, again.delivered], [0, 0], 'repeated evaluations send nothing more');
  }
  await smtp.waitForMails(1);
  await settle();
  const [alert] = (await engine.alerts()).open;
  assert.equal(alert!.rule, 'verification-failed');
  assert.equal(alert!.severity, 'critical');
  assert.equal(smtp.mails.length, 1, 'one e-mail');
  assert.match(smtp.mails[0]!.subject, /CRITICAL/);
  assert.ok(smtp.mails[0]!.text.includes(packDir.name.slice(0, 8)), 'the e-mail names the damaged pack');
  assert.equal(slack.requests.length, 1, 'one Slack message');
  assert.equal(twilio.requests.length, 1, 'one SMS');
  assert.deepEqual(desktop.map((e) => [e.kind, e.alert.rule]), [['opened', 'verification-failed']]);
  assert.deepEqual(Object.keys(alert!.notifications).sort(), ['desktop', 'email', 'slack', 'sms']);
});
