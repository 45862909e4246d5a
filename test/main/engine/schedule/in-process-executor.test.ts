import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Engine } from '../../../../main/engine/engine.ts';
import { EngineEvents, type JobProgress } from '../../../../main/engine/engine-events.ts';
import { systemClock } from '../../../../main/engine/clock.ts';
import { inProcessExecutor } from '../../../../main/engine/schedule/in-process-executor.ts';

test('progress re-emitted on the engine the job runs in does not loop (scheduler hosted on the same engine)', async () => {
  const events = new EngineEvents();
  const seen: JobProgress[] = [];
  // Only what the snapshot job's definition and the runner use: the job reports two steps of progress.
  const engine = {
    events,
    clock: systemClock,
    snapshotDatabase: async () => {
      events.emit('job-progress', { job: 'snapshot', runId: 7, phase: 'copy', bytes: 50, totalBytes: 100 });
      events.emit('job-progress', { job: 'snapshot', runId: 7, phase: 'copy', bytes: 100, totalBytes: 100 });
      return { runId: 7, result: 'success', snapshotId: 'abc', bytesAdded: 1 };
    },
  } as unknown as Engine;
  const executor = inProcessExecutor(engine);
  const outcome = await executor('snapshot', new AbortController().signal, (p) => {
    seen.push(p);
    // What the scheduler does with an executor's progress: emit it on the engine's events.
    events.emit('job-progress', p);
  });
  assert.equal(outcome.result, 'success');
  assert.deepEqual(seen.map((p) => p.percent), [50, 100]);
});
