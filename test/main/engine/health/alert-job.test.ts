/**
 * The engine glue around the dispatcher: overlapping evaluations (the minute
 * tick and an after-job call) notify once; a channel without its secret fails
 * alone and says which secret is missing.
 */
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { createEngine } from '../../../../main/engine/engine.ts';
import type { JobContext } from '../../../../main/engine/engine.ts';
import { runAlertsEvaluation } from '../../../../main/engine/jobs/alerts-job.ts';
import type { SecretSource } from '../../../../main/engine/secrets/password-source.ts';
import { startHttpReceiver, startSmtpReceiver } from '../../../support/receivers.ts';
import { tempDir } from '../../../support/temp-dir.ts';
import { noRecentBackup, settle } from './alert-fixture.ts';

async function rig(t: TestContext, secret: SecretSource['secret']) {
  const dir = tempDir(t);
  const home = join(dir, 'home');
  mkdirSync(home);
  const smtp = await startSmtpReceiver();
  const slack = await startHttpReceiver();
  t.after(() => Promise.all([smtp.close(), slack.close()]));
  writeFileSync(join(home, 'config.json'), JSON.stringify({
    repository: { path: join(dir, 'repo') },
    alerts: {
      email: { enabled: true, host: '127.0.0.1', port: smtp.port, from: 'b@q.example', to: ['o@q.example'] },
      slack: { enabled: true },
      timeoutSeconds: 3,
    },
  }));
  let current = new Date('2026-11-27T10:00:00Z');
  const clock = { now: () => current };
  const secrets: SecretSource = { repositoryPassword: async () => 'x', secret };
  const engine = createEngine({ home, secrets, clock });
  t.after(() => engine.close());
  const ctx: JobContext = { engine, catalog: engine.catalog, clock, logger: engine.logger, events: engine.events, hostname: 'ws1' };
  return {
    smtp, slack, engine, ctx, secrets, config: await engine.config(), slackUrl: `${slack.baseUrl}/services/T1/B1/tokentokentoken`,
    advance: (ms: number) => { current = new Date(current.getTime() + ms); },
  };
}

test('overlapping evaluations notify once and retry a failed channel once', async (t) => {
  let url = '';
  const r = await rig(t, async (name) => (name === 'slack-webhook-url' ? url : null));
  url = r.slackUrl;
  r.slack.setMode({ kind: 'fail', status: 500, body: 'down' });
  const conditions = async () => [noRecentBackup()];
  const evaluateThrice = () => Promise.all([1, 2, 3].map(() => runAlertsEvaluation(r.ctx, r.config, r.secrets, conditions)));
  const results = await evaluateThrice();
  assert.deepEqual(results.map((x) => x.opened).sort(), [0, 0, 1]);
  await r.smtp.waitForMails(1);
  assert.equal(r.slack.requests.length, 1);

  r.slack.setMode({ kind: 'ok' });
  r.advance(60_000);
  const retries = await evaluateThrice();
  assert.deepEqual(retries.map((x) => x.delivered).sort(), [0, 0, 1]);
  await settle();
  assert.equal(r.smtp.mails.length, 1);
  assert.equal(r.slack.requests.length, 2, 'one retry, not one per overlapping evaluation');
});

test('an enabled channel whose secret is missing or unreadable fails alone, naming the secret', async (t) => {
  const r = await rig(t, async (name) => {
    if (name === 'slack-webhook-url') throw new Error('cannot read the secret file /run/secrets/slack (QUANTAI_BACKUP_SLACK_WEBHOOK_URL_FILE): EACCES');
    return null;
  });
  const result = await runAlertsEvaluation(r.ctx, r.config, r.secrets, async () => [noRecentBackup()]);
  assert.deepEqual([result.delivered, result.failedDeliveries], [1, 1]);
  await r.smtp.waitForMails(1);
  const overview = await r.engine.alerts();
  assert.match(overview.open[0]!.notifications.slack?.error ?? '', /QUANTAI_BACKUP_SLACK_WEBHOOK_URL_FILE/);

  const r2 = await rig(t, async () => null);
  const res2 = await runAlertsEvaluation(r2.ctx, r2.config, r2.secrets, async () => [noRecentBackup()]);
  assert.deepEqual([res2.delivered, res2.failedDeliveries], [1, 1]);
  assert.match((await r2.engine.alerts()).open[0]!.notifications.slack?.error ?? '', /no webhook URL: set QUANTAI_BACKUP_SLACK_WEBHOOK_URL_FILE/);
});
