import assert from 'node:assert/strict';
import { writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { JobStateStore } from '../../../../main/engine/catalog/job-state-store.ts';
import { createEngine } from '../../../../main/engine/engine.ts';
import { inProcessExecutor } from '../../../../main/engine/schedule/in-process-executor.ts';
import { Scheduler } from '../../../../main/engine/schedule/scheduler.ts';
import { silentLogger } from '../../../../main/engine/logger.ts';
import { tempDir } from '../../../support/temp-dir.ts';
import { FakeTime } from './fake-time.ts';

test('a job that throws is recorded as failed with its error, and its next scheduled run still happens', async (t) => {
  const dir = tempDir(t);
  const home = join(dir, 'home');
  mkdirSync(home);
  // The database does not exist: the snapshot job throws inside its recorded run.
  writeFileSync(join(home, 'config.json'), JSON.stringify({
    version: 1,
    repository: { path: join(dir, 'repo') },
    database: { path: join(dir, 'missing.db') },
    schedule: { jobs: Object.fromEntries(['backup', 'full', 'cloud', 'offsite', 'verify', 'retention', 'drill'].map((j) => [j, { enabled: false }])) },
  }));
  const time = new FakeTime('2026-03-11T15:05:00Z');
  const engine = createEngine({ home, clock: time, secrets: { repositoryPassword: async () => 'pw', secret: async () => null } });
  const config = await engine.config();
  const scheduler = new Scheduler({
    schedule: config.schedule, clock: time, timer: time, executor: inProcessExecutor(engine),
    network: { isOnline: () => true }, state: new JobStateStore(engine.catalog.database), logger: silentLogger,
  });
  t.after(async () => {
    await scheduler.stop();
    engine.close();
  });
  scheduler.start(); // never succeeded: catches up at once
  await scheduler.whenIdle();
  await time.advanceTo('2026-03-11T15:16:00Z');
  await scheduler.whenIdle();
  const runs = engine.catalog.recentRuns(10, 'snapshot').reverse();
  assert.deepEqual(runs.map((r) => r.result), ['failed', 'failed']);
  assert.equal(runs[0]!.startedAt.slice(0, 16), '2026-03-11T15:05');
  // The 15:15 slot: the job's own clock reading may land on the fake clock's next step (the runner
  // is real async work while the test advances time), so the start is checked within that minute.
  const second = Date.parse(runs[1]!.startedAt);
  assert.ok(second >= Date.parse('2026-03-11T15:15:00Z') && second <= Date.parse('2026-03-11T15:16:00Z'), `second run started at ${runs[1]!.startedAt}`);
  for (const r of runs) assert.ok(r.errorMessage && r.errorMessage.length > 0, 'the error is recorded');
});
