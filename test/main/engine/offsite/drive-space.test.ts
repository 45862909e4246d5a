import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bytesOnDisk, requireSpace } from '../../../../main/engine/offsite/drive-space.ts';
import { parseFrom } from '../../../../main/engine/cloud/repository-from.ts';
import { ConfigError } from '../../../../main/engine/errors.ts';

test('space needed counts whole blocks per file; a shortfall is one line with both figures', () => {
  assert.equal(bytesOnDisk([1, 4096, 4097], 4096), (2 + 2 + 3) * 4096);
  assert.doesNotThrow(() => requireSpace('d', 100, 1, { freeBytes: 100, blockSize: 4096 }));
  assert.throws(() => requireSpace('vault', 3 * 1024 * 1024, 2, { freeBytes: 1024 * 1024, blockSize: 4096 }),
    (err: Error) => /^offsite drive 'vault' needs 3\.0 MiB for 2 missing file\(s\), but has only 1\.0 MiB free/.test(err.message));
});

test('--from takes offsite and offsite:<label>; a bad label is a usage error', () => {
  assert.equal(parseFrom('offsite'), 'offsite');
  assert.equal(parseFrom('offsite:vault-a'), 'offsite:vault-a');
  assert.equal(parseFrom(undefined), 'local');
  assert.throws(() => parseFrom('offsite:a b'), ConfigError);
  assert.throws(() => parseFrom('tape'), /--from must be one of local, cloud, offsite or offsite:<label>, not 'tape'/);
});
