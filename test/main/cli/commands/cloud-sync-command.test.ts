import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CloudSyncOutcome } from '../../../../main/engine/index.ts';
import { syncWarnings } from '../../../../main/cli/commands/cloud-sync-command.ts';

const good: CloudSyncOutcome = {
  runId: 1, location: 's3://b/p at http://127.0.0.1:9', uploaded: 3, uploadedBytes: 10, skipped: 0, skippedBytes: 0, replaced: 0,
  mirrorPrune: { ok: true, report: { location: 's3://b/p', dryRun: false, deleted: 0, deletedBytes: 0, deletedByType: {}, retained: [], heldBack: false, deferred: false } as never },
};

test('a good sync has no warnings (exit 0); a failed replica or deletion step is one warning each (exit 3)', () => {
  assert.deepEqual(syncWarnings(good), []);
  const bad: CloudSyncOutcome = {
    ...good,
    replica: { role: 'replica', bucket: 'r', ok: false, location: 's3://r', error: 'bucket r does not exist' },
    mirrorPrune: { ok: false, error: 'the local repository is locked exclusively' },
  };
  assert.deepEqual(syncWarnings(bad), [
    'replica s3://r: bucket r does not exist',
    'deleting pruned files from s3://b/p at http://127.0.0.1:9: the local repository is locked exclusively',
  ]);
});
