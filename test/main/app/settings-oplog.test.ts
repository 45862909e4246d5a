/**
 * A settings change saved from the app is evidence: it lands in the
 * operations log with what changed (from, to) and reaches the repository's
 * encrypted log at once; a save that changes nothing logs nothing.
 */
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { LocalBackend } from '../../../main/engine/backends/local-backend.ts';
import { loadBatch } from '../../../main/engine/compliance/oplog-batch.ts';
import type { OplogEntry } from '../../../main/engine/compliance/oplog-chain.ts';
import { Repository } from '../../../main/engine/repo/repository.ts';
import { appFixture, PASSWORD, value } from './app-fixture.ts';

async function repositoryLog(repoPath: string): Promise<OplogEntry[]> {
  const repo = await Repository.open(new LocalBackend(repoPath), PASSWORD);
  const out: OplogEntry[] = [];
  for (const name of readdirSync(join(repoPath, 'quantai', 'oplog')).sort()) out.push(...(await loadBatch(repo, name)));
  return out;
}

test('a settings save is logged with its changes and flushed to the repository; an unchanged save is not', async (t) => {
  const fx = appFixture(t);
  value(await fx.api.runWizard({ repoPath: fx.repoPath, dbPath: fx.dbPath, password: PASSWORD }));
  const config = value(await fx.api.getSettings()).config;
  const retention = config['retention'] as Record<string, unknown>;
  const schedule = config['schedule'] as Record<string, unknown>;
  const before = retention['maxForgetShare'];
  value(await fx.api.saveSettings({ config: { ...config, retention: { ...retention, maxForgetShare: 0.9 }, schedule: { ...schedule, timezone: 'Europe/London' } } }));

  const log = await repositoryLog(fx.repoPath);
  assert.deepEqual(log.map((e) => e.type), ['init', 'settings']);
  const settings = log[1]!;
  const changes = settings.data?.['changes'] as { path: string; from: unknown; to: unknown }[];
  assert.deepEqual(changes.map((c) => c.path).sort(), ['retention.maxForgetShare', 'schedule.timezone']);
  assert.deepEqual(changes.find((c) => c.path === 'retention.maxForgetShare'), { path: 'retention.maxForgetShare', from: before, to: 0.9 });
  assert.match(settings.summary, /2 change\(s\)/);

  value(await fx.api.saveSettings({ config: value(await fx.api.getSettings()).config }));
  assert.equal((await repositoryLog(fx.repoPath)).length, 2, 'a save without changes adds no entry');
});
