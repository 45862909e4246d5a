import assert from 'node:assert/strict';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { createEngine } from '../../../../main/engine/engine.ts';
import type { JobProgress } from '../../../../main/engine/engine-events.ts';
import { JOB_REGISTRY } from '../../../../main/engine/jobs/job-registry.ts';
import { tempDir } from '../../../support/temp-dir.ts';

const FAST_KDF = { N: 1024, r: 8, p: 1 };

test('lanes and traits: only the snapshot is critical; heavy jobs are the ones market hours defer', () => {
  const critical = Object.values(JOB_REGISTRY).filter((j) => j.lane === 'critical').map((j) => j.name);
  assert.deepEqual(critical, ['snapshot']);
  const heavy = Object.values(JOB_REGISTRY).filter((j) => j.heavy).map((j) => j.name).sort();
  assert.deepEqual(heavy, ['cloud', 'drill', 'full', 'offsite', 'retention', 'verify']);
  assert.deepEqual(Object.values(JOB_REGISTRY).filter((j) => j.needsNetwork).map((j) => j.name), ['cloud']);
});

test('full runs under its own name, succeeded or failed; a job with nothing to do is skipped with a reason', async (t) => {
  const dir = tempDir(t);
  const files = join(dir, 'files');
  mkdirSync(files);
  writeFileSync(join(files, 'a.txt'), 'alpha');
  const engine = createEngine({ home: join(dir, 'home'), kdf: FAST_KDF, secrets: { repositoryPassword: async () => 'pw', secret: async () => null } });
  t.after(() => engine.close());
  await engine.initialize({ repoPath: join(dir, 'repo'), files: [files] });

  const progress: JobProgress[] = [];
  const ok = await engine.runJob('full', { onProgress: (p) => progress.push(p) });
  assert.equal(ok.result, 'success');
  assert.ok(progress.length > 0, 'progress is passed on');
  assert.equal(engine.catalog.lastRun('full')?.id, ok.runId);
  assert.equal(engine.catalog.lastRun('backup'), null);

  rmSync(files, { recursive: true });
  await assert.rejects(engine.runJob('full'));
  assert.equal(engine.catalog.lastRun('full')?.result, 'failed');
  assert.equal(engine.catalog.lastRun('backup'), null, 'a failed full backup is not filed as a file backup');

  // No enrolled offsite drive is mounted (none is enrolled): the offsite job is skipped with the reason.
  const skipped = await engine.runJob('offsite');
  assert.equal(skipped.result, 'skipped');
  assert.match(skipped.reason!, /no enrolled offsite drive is mounted: nothing was copied/);
  const run = engine.catalog.lastRun('offsite');
  assert.equal(run?.result, 'skipped');
  assert.equal(run?.errorMessage, skipped.reason);
});
