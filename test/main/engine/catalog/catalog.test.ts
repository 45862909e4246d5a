import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { Catalog } from '../../../../main/engine/catalog/catalog.ts';
import { tempDir } from '../../../support/temp-dir.ts';

test('runs, snapshots and events round-trip and survive reopening', (t) => {
  const path = join(tempDir(t), 'catalog.db');
  const catalog = Catalog.open(path);
  const runId = catalog.startRun('snapshot', new Date('2026-01-02T03:04:05Z'));
  catalog.finishRun(runId, { endedAt: new Date('2026-01-02T03:04:09Z'), result: 'success', bytesAdded: 1234, snapshotId: 'ab'.repeat(32) });
  catalog.recordSnapshot({
    id: 'ab'.repeat(32), repositoryId: 'cd'.repeat(32), time: '2026-01-02T03:04:05Z', kind: 'sqlite', tier: 1,
    source: '/data/trading.db', treeId: 'ef'.repeat(32), sizeBytes: 4096, bytesAdded: 1234, sha256: '00'.repeat(32),
    verification: { quick_check: 'ok', tables: { trades: 3 } }, runId,
  });
  catalog.addEvent({ time: '2026-01-02T03:04:09Z', level: 'warning', type: 'x', message: 'm', data: { a: 1 } });
  catalog.close();

  const reopened = Catalog.open(path);
  t.after(() => reopened.close());
  const run = reopened.lastRun('snapshot');
  assert.equal(run?.result, 'success');
  assert.equal(run?.bytesAdded, 1234);
  assert.deepEqual(reopened.latestSnapshot('sqlite')?.verification, { quick_check: 'ok', tables: { trades: 3 } });
  assert.equal(reopened.latestSnapshot('files'), null);
  assert.deepEqual(reopened.recentEvents(1)[0]?.data, { a: 1 });
});

test('a run left running by a dead process is marked interrupted; a live one is not', (t) => {
  const catalog = Catalog.open(join(tempDir(t), 'catalog.db'));
  t.after(() => catalog.close());
  const a = catalog.startRun('backup', new Date());
  // Pretend run a belongs to another process.
  catalog.database.prepare('UPDATE runs SET host_pid = ? WHERE id = ?').run(999999, a);
  assert.equal(catalog.markInterruptedRuns(new Date(), () => true), 0);
  assert.equal(catalog.markInterruptedRuns(new Date(), (pid) => pid !== 999999), 1);
  assert.equal(catalog.lastRun('backup')?.result, 'interrupted');
});
