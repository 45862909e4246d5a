import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createMemorySecretStore } from '../../../main/app/secret-store.ts';
import { childEnvironment, refreshSecrets, storeUpdatingEnv } from '../../../main/shell/child-env.ts';

test('job children get secrets only from the keychain, never from the environment the app started in', async () => {
  const env = childEnvironment({
    PATH: '/usr/bin',
    QUANTAI_BACKUP_PASSWORD: 'stale from the shell',
    QUANTAI_BACKUP_PASSWORD_FILE: '/home/t/old-password',
    QUANTAI_BACKUP_SLACK_WEBHOOK_URL_FILE: '/home/t/hook',
  });
  assert.equal(env.ELECTRON_RUN_AS_NODE, '1');
  assert.equal(env.PATH, '/usr/bin');
  for (const key of Object.keys(env)) assert.doesNotMatch(key, /^QUANTAI_BACKUP_/, `${key} was inherited`);

  const store = storeUpdatingEnv(createMemorySecretStore({ 'repository-password': 'from keychain' }), env);
  await refreshSecrets(env, store);
  assert.equal(env.QUANTAI_BACKUP_PASSWORD, 'from keychain');
  await store.set('smtp-password', 'smtp secret');
  assert.equal(env.QUANTAI_BACKUP_SMTP_PASSWORD, 'smtp secret', 'a secret saved in Settings reaches the next child');
  await store.delete?.('smtp-password');
  assert.equal(env.QUANTAI_BACKUP_SMTP_PASSWORD, undefined);
});
