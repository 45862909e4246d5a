import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { resticOk } from '../../support/restic.ts';
import { requireTool } from '../../support/tools.ts';
import { appFixture, PASSWORD, value } from './app-fixture.ts';

test('the wizard creates a repository restic opens, stores the password, and the kit has no password', async (t) => {
  if (!requireTool(t, 'restic')) return;
  const fx = appFixture(t);
  assert.equal(value(await fx.api.getState()).configured, false);
  const r = value(await fx.api.runWizard({ repoPath: fx.repoPath, dbPath: fx.dbPath, files: [fx.filesDir], password: PASSWORD }));
  assert.equal(r.created, true);
  assert.match(r.repositoryId, /^[0-9a-f]{64}$/);
  assert.equal(await fx.secrets.get('repository-password'), PASSWORD);
  const kit = r.recoveryKit.text;
  assert.ok(!kit.includes(PASSWORD), 'the kit must not contain the password');
  assert.ok(kit.includes(fx.repoPath) && kit.includes(r.repositoryId), 'the kit names the repository and its id');
  assert.match(kit, /restic -r \S+ restore/);
  assert.match(r.recoveryKit.fileName, /^quantai-backup-recovery-kit-[0-9a-f]{8}\.txt$/);
  assert.ok(!JSON.stringify(r).includes(PASSWORD), 'nothing in the wizard result carries the password');
  const config = JSON.parse(resticOk(fx.repoPath, PASSWORD, ['cat', 'config'])) as { id: string; version: number };
  assert.equal(config.id, r.repositoryId);
  assert.equal(config.version, 2);
  assert.equal(value(await fx.api.getState()).configured, true);
});

test('the wizard refuses a wrong password for an existing repository and keeps the working one', async (t) => {
  const fx = appFixture(t);
  value(await fx.api.runWizard({ repoPath: fx.repoPath, password: PASSWORD }));
  const again = await fx.api.runWizard({ repoPath: fx.repoPath, password: 'not the password' });
  assert.equal(again.ok, false);
  assert.equal(await fx.secrets.get('repository-password'), PASSWORD);
  const bad = await fx.api.runWizard({ repoPath: 'relative/repo', password: '' });
  assert.ok(!bad.ok && bad.error.kind === 'invalid');
  assert.deepEqual(bad.error.fields?.map((f) => f.field).sort(), ['password', 'repoPath']);
});

test('Settings cannot replace a working repository password with one that does not open the repository', async (t) => {
  const fx = appFixture(t);
  value(await fx.api.runWizard({ repoPath: fx.repoPath, password: PASSWORD }));
  const typo = await fx.api.setSecret({ name: 'repository-password', value: `${PASSWORD}x` });
  assert.ok(!typo.ok, 'a password that does not open the repository is refused');
  assert.match(typo.error.message, /repository password is wrong/);
  assert.equal(await fx.secrets.get('repository-password'), PASSWORD, 'the working password is kept');
  value(await fx.api.setSecret({ name: 'repository-password', value: PASSWORD }));
});

test('secrets set through setSecret never come back from any method', async (t) => {
  const fx = appFixture(t);
  value(await fx.api.runWizard({ repoPath: fx.repoPath, dbPath: fx.dbPath, password: PASSWORD }));
  const webhook = 'https://hooks.slack.example/services/T000/B000/sEcReTtOkEn123';
  const smtp = 'smtp-pass-9f8e7d';
  assert.deepEqual(value(await fx.api.setSecret({ name: 'slack-webhook-url', value: webhook })), { set: true });
  value(await fx.api.setSecret({ name: 'smtp-password', value: smtp }));
  const settings = value(await fx.api.getSettings());
  assert.deepEqual(settings.secretsSet, {
    'repository-password': true, 'smtp-password': true, 'slack-webhook-url': true, 'twilio-auth-token': false,
    's3-access-key-id': false, 's3-secret-access-key': false,
  });
  const everything = JSON.stringify([
    settings, await fx.api.getState(), await fx.api.listRuns({}), await fx.api.validateSettings({ config: settings.config }),
    await fx.api.saveSettings({ config: settings.config }), readFileSync(join(fx.home, 'config.json'), 'utf8'),
  ]);
  for (const secret of [webhook, smtp, PASSWORD]) assert.ok(!everything.includes(secret), `a secret leaked: ${secret.slice(0, 6)}...`);
  // A secret pasted into a settings field is refused, not written to config.json.
  const leaked = await fx.api.saveSettings({ config: { ...settings.config, repository: { path: `/tmp/${smtp}` } } });
  assert.ok(!leaked.ok && leaked.error.kind === 'invalid');
  assert.deepEqual(leaked.error.fields?.map((f) => f.field), ['repository.path']);
  assert.ok(!JSON.stringify(leaked).includes(smtp));
  const bad = await fx.api.setSecret({ name: 'aws-key' as 'smtp-password', value: 'x' });
  assert.ok(!bad.ok && bad.error.kind === 'invalid');
});

test('invalid settings are refused with every bad field named, and nothing is written', async (t) => {
  const fx = appFixture(t);
  value(await fx.api.runWizard({ repoPath: fx.repoPath, dbPath: fx.dbPath, password: PASSWORD }));
  const before = readFileSync(join(fx.home, 'config.json'), 'utf8');
  const { config } = value(await fx.api.getSettings());
  const broken = {
    ...config,
    repository: { path: 'not/absolute' },
    schedule: { ...(config['schedule'] as object), jobs: { snapshot: { cron: 'every minute' } } },
    alerts: { ...(config['alerts'] as object), reminderMinutes: 0 },
    databse: { path: '/x' },
  };
  const fields = value(await fx.api.validateSettings({ config: broken }));
  const names = fields.map((f) => f.field).sort();
  assert.deepEqual(names, ['alerts.reminderMinutes', 'databse', 'repository.path', 'schedule.jobs.snapshot.cron']);
  assert.match(fields.find((f) => f.field === 'repository.path')!.message, /absolute/);
  const saved = await fx.api.saveSettings({ config: broken });
  assert.ok(!saved.ok);
  assert.equal(saved.error.kind, 'invalid');
  assert.deepEqual(saved.error.fields?.map((f) => f.field).sort(), names);
  assert.ok(!saved.error.message.includes('\n'));
  assert.equal(readFileSync(join(fx.home, 'config.json'), 'utf8'), before);
  // A valid change is saved and read back.
  const ok = value(await fx.api.saveSettings({ config: { ...config, schedule: { ...(config['schedule'] as object), jobs: { snapshot: { cron: '*/5 * * * *' } } } } }));
  assert.equal((ok.config['schedule'] as { jobs: { snapshot: { cron: string } } }).jobs.snapshot.cron, '*/5 * * * *');
  assert.deepEqual(value(await fx.api.validateSettings({ config: ok.config })), []);
});

test('previewCron lists the next runs of a valid expression and explains an invalid one', async (t) => {
  const fx = appFixture(t);
  const good = value(await fx.api.previewCron({ expression: '*/15 * * * *', timezone: 'America/New_York' }));
  assert.equal(good.valid, true);
  assert.equal(good.next.length, 5);
  const gaps = good.next.slice(1).map((n, i) => Date.parse(n) - Date.parse(good.next[i]!));
  assert.deepEqual(gaps, [15, 15, 15, 15].map((m) => m * 60_000));
  assert.ok(Date.parse(good.next[0]!) > fx.clock.now().getTime());
  const bad = value(await fx.api.previewCron({ expression: 'every minute', timezone: 'America/New_York' }));
  assert.equal(bad.valid, false);
  assert.match(bad.error ?? '', /5 fields/);
  assert.deepEqual(bad.next, []);
  const zone = value(await fx.api.previewCron({ expression: '0 9 * * *', timezone: 'Mars/Olympus' }));
  assert.equal(zone.valid, false);
  assert.match(zone.error ?? '', /time zone/);
  const request = await fx.api.invoke('app:preview-cron', { expression: 5 });
  assert.ok(!request.ok && request.error.kind === 'invalid');
});
