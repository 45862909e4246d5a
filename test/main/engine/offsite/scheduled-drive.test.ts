import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { Catalog } from '../../../../main/engine/catalog/catalog.ts';
import { drivePickedForScheduledCopy } from '../../../../main/engine/jobs/offsite-job.ts';
import type { MountedDrive } from '../../../../main/engine/offsite/mounted-drives.ts';
import { OffsiteStore } from '../../../../main/engine/offsite/offsite-store.ts';
import { tempDir } from '../../../support/temp-dir.ts';

test('the scheduled copy goes to the mounted drive never copied, else the one whose last good copy is oldest', (t) => {
  const catalog = Catalog.open(join(tempDir(t), 'catalog.db'));
  t.after(() => catalog.close());
  const store = new OffsiteStore(catalog);
  const mounted = ['a', 'b', 'c'].map((label, i): MountedDrive => {
    const drive = store.addDrive({ label, fsUuid: `uuid-${label}`, fsType: 'ext4', markerId: `${i}`.repeat(32), enrolledAt: '2026-01-01T00:00:00.000Z' });
    return { drive, mountPath: `/mnt/${label}`, repositoryPath: `/mnt/${label}/quantai-backup`, volume: { mountPath: `/mnt/${label}`, source: '/dev/x', fsType: 'ext4', uuid: drive.fsUuid, label } };
  });
  const copy = (i: number, at: string, ok: boolean): void => {
    store.finishCopy(store.startCopy(mounted[i]!.drive.id, null, new Date(at)), { finishedAt: new Date(at), ok });
  };
  assert.equal(drivePickedForScheduledCopy(store, []), null);
  copy(0, '2026-03-01T00:00:00Z', true);
  copy(1, '2026-02-01T00:00:00Z', true);
  assert.equal(drivePickedForScheduledCopy(store, mounted)?.drive.label, 'c', 'never copied first');
  copy(2, '2026-04-01T00:00:00Z', true);
  copy(1, '2026-05-01T00:00:00Z', false);
  assert.equal(drivePickedForScheduledCopy(store, mounted)?.drive.label, 'b', 'a failed copy does not count');
  assert.equal(drivePickedForScheduledCopy(store, [mounted[0]!, mounted[2]!])?.drive.label, 'a');
});
