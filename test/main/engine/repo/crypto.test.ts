import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { isBackupError } from '../../../../main/engine/errors.ts';
import { CRYPTO_OVERHEAD, decodeMasterKey, decrypt, encodeMasterKey, encrypt, newRandomKey } from '../../../../main/engine/repo/crypto.ts';
import { createKeyFile, openKeyFile } from '../../../../main/engine/repo/key-file.ts';
import { FAST_KDF } from './fixtures.ts';

test('encrypt/decrypt round-trips and adds exactly IV + MAC', () => {
  const key = newRandomKey();
  for (const size of [0, 1, 15, 16, 17, 1000, 100_000]) {
    const plain = randomBytes(size);
    const sealed = encrypt(key, plain);
    assert.equal(sealed.length, size + CRYPTO_OVERHEAD);
    assert.deepEqual(decrypt(key, sealed), plain);
  }
});

test('a flipped bit anywhere, or another key, is a permanent error', () => {
  const key = newRandomKey();
  const sealed = encrypt(key, Buffer.from('secret trade ledger'));
  for (const at of [0, 15, 16, sealed.length - 17, sealed.length - 1]) {
    const bad = Buffer.from(sealed);
    bad[at]! ^= 0x01;
    assert.throws(() => decrypt(key, bad), (err: unknown) => isBackupError(err) && err.kind === 'permanent');
  }
  assert.throws(() => decrypt(newRandomKey(), sealed), (err: unknown) => isBackupError(err) && err.kind === 'permanent');
});

test('the master key JSON round-trips and stores a clamped r', () => {
  const key = newRandomKey();
  const back = decodeMasterKey(encodeMasterKey(key));
  assert.deepEqual(back, key);
  for (const i of [3, 7, 11, 15]) assert.equal(key.macR[i]! & 0xf0, 0);
  for (const i of [4, 8, 12]) assert.equal(key.macR[i]! & 0x03, 0);
});

test('a key file opens with its password and not with another', async () => {
  const master = newRandomKey();
  const file = await createKeyFile(master, 'pw-1', FAST_KDF, { hostname: 'h', username: 'u' });
  const json = JSON.parse(file.toString('utf8')) as Record<string, unknown>;
  assert.equal(json.kdf, 'scrypt');
  assert.equal(Buffer.from(json.salt as string, 'base64').length, 64);
  assert.deepEqual(await openKeyFile(file, 'pw-1'), master);
  assert.equal(await openKeyFile(file, 'pw-2'), null);
});
