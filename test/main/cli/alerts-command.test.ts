/**
 * `alerts` and `alerts test <channel>` as a user runs them: the real CLI
 * process, real receivers, secrets from the environment.
 */
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { Catalog } from '../../../main/engine/catalog/catalog.ts';
import { AlertStore } from '../../../main/engine/health/alert-store.ts';
import { startCli, type CliEnv, type CliResult } from '../../support/cli.ts';
import { basicAuth, startHttpReceiver, startSmtpReceiver } from '../../support/receivers.ts';
import { tempDir } from '../../support/temp-dir.ts';

const SLACK_PATH = '/services/T0CLI/B0CLI/cliWebhookSecretToken';
const TOKEN = 'cli-twilio-token-0123456789';
const SMTP_PASSWORD = 'cli-smtp-password-xyz';

/** The CLI as a child process, awaited without blocking this process (the receivers live here). */
function cli(args: string[], env: CliEnv): Promise<CliResult> {
  const child = startCli(args, env);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (c: Buffer) => { stdout += c.toString(); });
  child.stderr!.on('data', (c: Buffer) => { stderr += c.toString(); });
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

async function setup(t: TestContext, alerts: Record<string, unknown>) {
  const dir = tempDir(t);
  const home = join(dir, 'home');
  mkdirSync(home);
  writeFileSync(join(home, 'config.json'), JSON.stringify({ version: 1, repository: { path: join(dir, 'repo') }, alerts }, null, 2));
  return { home, dir };
}

test('alerts test sends a real test message through e-mail, Slack and SMS', async (t) => {
  const smtp = await startSmtpReceiver({ username: 'bot', password: SMTP_PASSWORD });
  const slack = await startHttpReceiver();
  const twilio = await startHttpReceiver({ status: 201 });
  t.after(() => Promise.all([smtp.close(), slack.close(), twilio.close()]));
  const { home } = await setup(t, {
    email: { enabled: true, host: '127.0.0.1', port: smtp.port, username: 'bot', from: 'backup@q.example', to: ['ops@q.example'] },
    slack: { enabled: true },
    sms: { enabled: true, accountSid: 'ACcli0000001', from: '+15550001111', to: ['+15550004444'], apiBaseUrl: twilio.baseUrl },
  });
  const env: CliEnv = {
    home,
    extraEnv: {
      QUANTAI_BACKUP_SMTP_PASSWORD: SMTP_PASSWORD,
      QUANTAI_BACKUP_SLACK_WEBHOOK_URL: `${slack.baseUrl}${SLACK_PATH}`,
      QUANTAI_BACKUP_TWILIO_AUTH_TOKEN: TOKEN,
    },
  };

  const email = await cli(['alerts', 'test', 'email'], env);
  assert.equal(email.code, 0, email.stderr);
  assert.match(email.stdout, /test message sent through email/);
  const [mail] = await smtp.waitForMails(1);
  assert.match(mail!.subject, /Test notification \(email\)/);
  assert.deepEqual(mail!.to, ['ops@q.example']);

  const s = await cli(['alerts', 'test', 'slack', '--json'], env);
  assert.equal(s.code, 0, s.stderr);
  assert.deepEqual(JSON.parse(s.stdout), { channel: 'slack', ok: true });
  assert.equal(slack.requests[0]!.path, SLACK_PATH);
  assert.match(JSON.parse(slack.requests[0]!.body).text, /Test notification \(slack\)/);

  const sms = await cli(['alerts', 'test', 'sms'], env);
  assert.equal(sms.code, 0, sms.stderr);
  assert.deepEqual(basicAuth(twilio.requests[0]!.headers), { user: 'ACcli0000001', password: TOKEN });
  assert.equal(new URLSearchParams(twilio.requests[0]!.body).get('To'), '+15550004444');

  // A failing channel: exit 1, one line, no secret.
  slack.setMode({ kind: 'fail', status: 500, body: `cannot post to ${SLACK_PATH}` });
  const failed = await cli(['alerts', 'test', 'slack'], env);
  assert.equal(failed.code, 1);
  assert.match(failed.stderr, /^quantai-backup: error: slack: the Slack webhook at 127\.0\.0\.1:\d+ answered HTTP 500/);
  assert.equal(failed.stderr.trim().split('\n').length, 1, 'one line');
  assert.ok(!(failed.stdout + failed.stderr).includes('cliWebhookSecretToken'), failed.stderr);

  const listed = await cli(['alerts', '--json'], env);
  assert.equal(listed.code, 0, listed.stderr);
  const overview = JSON.parse(listed.stdout) as { tests: Record<string, { ok: boolean; error: string | null }> };
  assert.equal(overview.tests.email?.ok, true);
  assert.equal(overview.tests.slack?.ok, false, 'the latest slack test failed');
  assert.ok(!listed.stdout.includes('cliWebhookSecretToken'));
});

test('alerts test refuses a channel that is not configured, down or not shown here, with one clear line', async (t) => {
  const { home } = await setup(t, { email: { enabled: true, host: '127.0.0.1', port: 1, from: 'b@q.example', to: ['o@q.example'] } });
  const env: CliEnv = { home };
  const sms = await cli(['alerts', 'test', 'sms'], env);
  assert.equal(sms.code, 1);
  assert.equal(sms.stderr, 'quantai-backup: error: sms alerts are not configured: set alerts.sms.enabled to true in config.json (see docs/cli.md, "Alerts")\n');

  const email = await cli(['alerts', 'test', 'email'], env);
  assert.equal(email.code, 1);
  assert.match(email.stderr, /^quantai-backup: error: email: the SMTP server 127\.0\.0\.1:1 refused the connection; will retry\n$/);

  const desktop = await cli(['alerts', 'test', 'desktop'], env);
  assert.equal(desktop.code, 1);
  assert.match(desktop.stderr, /desktop notifications are shown by the QuantAI Backup app/);

  const unknown = await cli(['alerts', 'test', 'pager'], env);
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /unknown alert channel "pager"/);
});

test('alerts lists open alerts, then recently resolved ones, with the delivery state per channel', async (t) => {
  const { home } = await setup(t, {});
  const catalog = Catalog.open(join(home, 'catalog.db'));
  const store = new AlertStore(catalog.database);
  const now = new Date();
  const opened = store.openAlert({ key: 'verification-failed:local', rule: 'verification-failed', severity: 'critical', title: 'Verification failed', message: 'Pack 1a2b3c4d is damaged.' }, now).alert;
  store.recordNotification({ alertId: opened.id, channel: 'email', kind: 'opened', time: now.toISOString(), ok: true, attempts: 1, error: null });
  store.recordNotification({ alertId: opened.id, channel: 'slack', kind: 'opened', time: now.toISOString(), ok: false, attempts: 2, error: 'slack: the Slack webhook at hooks.slack.com answered HTTP 500; will retry' });
  const old = store.openAlert({ key: 'too-few-backups:tier-1', rule: 'too-few-backups', severity: 'warning', title: 'Fewer than 20 backups today', message: 'Only 3.' }, new Date(now.getTime() - 3_600_000)).alert;
  store.resolveAlert(old.id, now);
  catalog.close();

  const json = await cli(['alerts', '--json'], { home });
  assert.equal(json.code, 0, json.stderr);
  const o = JSON.parse(json.stdout) as {
    channels: Record<string, boolean>;
    open: { key: string; severity: string; notifications: Record<string, { ok: boolean; attempts: number; error: string | null }> }[];
    resolved: { key: string; resolvedAt: string }[];
  };
  assert.deepEqual(o.open.map((a) => [a.key, a.severity]), [['verification-failed:local', 'critical']]);
  assert.equal(o.open[0]!.notifications.email?.ok, true);
  assert.deepEqual([o.open[0]!.notifications.slack?.ok, o.open[0]!.notifications.slack?.attempts], [false, 2]);
  assert.deepEqual(o.resolved.map((a) => a.key), ['too-few-backups:tier-1']);
  assert.equal(o.resolved[0]!.resolvedAt, now.toISOString());
  assert.deepEqual(o.channels, { email: false, slack: false, sms: false, desktop: true });

  const text = await cli(['alerts'], { home });
  assert.equal(text.code, 0, text.stderr);
  assert.match(text.stdout, /open alerts \(1\):\n {2}CRITICAL {2}Verification failed/);
  assert.match(text.stdout, /slack: NOT DELIVERED \(opened, attempt 2\)/);
  assert.ok(text.stdout.indexOf('Verification failed') < text.stdout.indexOf('resolved in the last 7 days'), 'open alerts come first');
});
