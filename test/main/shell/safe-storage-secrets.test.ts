import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { createSafeStorageSecretStore, type SafeStorageLike } from '../../../main/shell/safe-storage-secrets.ts';
import { tempDir } from '../../support/temp-dir.ts';

/** A stand-in for safeStorage: reversible but never the plain text. */
function fakeSafe(available = true, backend = 'gnome_libsecret'): SafeStorageLike {
  return {
    isEncryptionAvailable: () => available,
    encryptString: (s) => Buffer.from(Buffer.from(s, 'utf8').map((b) => b ^ 0x5a)),
    decryptString: (b) => Buffer.from(b.map((x) => x ^ 0x5a)).toString('utf8'),
    getSelectedStorageBackend: () => backend,
  };
}

test('stores ciphertext only, readable back, in a private file', async (t) => {
  const dir = tempDir(t);
  const file = join(dir, 'secrets.json');
  const store = createSafeStorageSecretStore(file, fakeSafe(), 'linux');
  assert.equal(await store.has('repository-password'), false);
  assert.equal(await store.get('repository-password'), null);
  await store.set('repository-password', 'correct horse battery');
  await store.set('slack-webhook-url', 'https://hooks.example/T0');
  assert.equal(await store.get('repository-password'), 'correct horse battery');
  assert.equal(await store.has('slack-webhook-url'), true);
  const text = readFileSync(file, 'utf8');
  assert.doesNotMatch(text, /correct horse|hooks\.example/);
  if (process.platform !== 'win32') assert.equal(statSync(file).mode & 0o777, 0o600);
  await store.delete!('slack-webhook-url');
  assert.equal(await store.has('slack-webhook-url'), false);
  assert.equal(await store.get('repository-password'), 'correct horse battery');
});

test('refuses to store when the keychain is unavailable or Linux falls back to a fixed key', async (t) => {
  const dir = tempDir(t);
  for (const safe of [fakeSafe(false), fakeSafe(true, 'basic_text')]) {
    const store = createSafeStorageSecretStore(join(dir, 'secrets.json'), safe, 'linux');
    await assert.rejects(store.set('smtp-password', 'pw'), (err: Error & { kind?: string }) => err.kind === 'permanent' && /keychain|keyring/.test(err.message));
  }
  assert.throws(() => readFileSync(join(dir, 'secrets.json')), /ENOENT/);
});
