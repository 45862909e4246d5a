/**
 * The offsite mirror target proves each write by reading it back: a restic
 * file must hash to its name, config and our own files must match byte for
 * byte. A wrong file is removed, never left under a right name.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { LocalBackend } from '../../../../main/engine/backends/local-backend.ts';
import { isBackupError } from '../../../../main/engine/errors.ts';
import { VerifiedMirrorTarget } from '../../../../main/engine/offsite/verified-mirror-target.ts';
import { ensureDriveLayout } from '../../../../main/engine/offsite/drive-repository.ts';
import { tempDir } from '../../../support/temp-dir.ts';

const META = { metadata: {} };

test('a file whose content does not hash to its name is refused and removed; a right one is kept', async (t) => {
  const root = join(tempDir(t), 'repo');
  await ensureDriveLayout(root);
  const backend = new LocalBackend(root);
  const target = new VerifiedMirrorTarget(backend);
  await target.put({ type: 'config', name: '' }, Buffer.from('config bytes'), META);

  const data = Buffer.from('pack bytes');
  const name = createHash('sha256').update(data).digest('hex');
  await target.put({ type: 'data', name }, data, META);
  assert.ok(existsSync(join(root, 'data', name.slice(0, 2), name)));
  assert.equal(target.verified, 2);

  const wrong = createHash('sha256').update('other').digest('hex');
  await assert.rejects(target.put({ type: 'data', name: wrong }, data, META), (err: unknown) => {
    assert.ok(isBackupError(err));
    assert.equal(err.kind, 'fatal');
    assert.match(err.message, /data file [0-9a-f]{12} read back from .* differs from what was written: the drive may be failing/);
    return true;
  });
  assert.ok(!existsSync(join(root, 'data', wrong.slice(0, 2), wrong)), 'the wrong file is gone');
  assert.deepEqual((await backend.list('data')).map((f) => f.name), [name]);
});
