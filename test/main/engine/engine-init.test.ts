import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { createEngine } from '../../../main/engine/index.ts';
import { passwordFromEnvironment } from '../../../main/engine/secrets/password-source.ts';
import { tempDir } from '../../support/temp-dir.ts';

test('running init again keeps the settings it was not given and replaces the ones it was', async (t) => {
  const dir = tempDir(t);
  const engine = createEngine({
    home: join(dir, 'home'),
    secrets: passwordFromEnvironment({ QUANTAI_BACKUP_PASSWORD: 'init twice' }),
    kdf: { N: 1024, r: 8, p: 1 },
  });
  t.after(() => engine.close());
  await engine.initialize({ repoPath: join(dir, 'repo'), dbPath: '/data/old.db', files: ['/data/research'] });
  const configFile = join(dir, 'home', 'config.json');
  const edited = JSON.parse(readFileSync(configFile, 'utf8'));
  edited.files.excludes = ['*.bak'];
  edited.alerts.reminderMinutes = 30;
  edited.schedule.jobs = { snapshot: { cron: '*/5 * * * *', enabled: true } };
  writeFileSync(configFile, JSON.stringify(edited));

  const again = await engine.initialize({ repoPath: join(dir, 'repo'), dbPath: '/data/new.db' });
  assert.equal(again.created, false);
  const config = await engine.config();
  assert.equal(config.database?.path, '/data/new.db');
  assert.deepEqual(config.files.sources.map((s) => s.path), ['/data/research'], 'sources kept: --files was not given');
  assert.deepEqual(config.files.excludes, ['*.bak']);
  assert.equal(config.alerts.reminderMinutes, 30);
  assert.equal(config.schedule.jobs.snapshot?.cron, '*/5 * * * *');
});
