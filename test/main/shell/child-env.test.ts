import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createMemorySecretStore } from '../../../main/app/secret-store.ts';
import { resolveStaticCredentials } from '../../../main/engine/backends/s3-client.ts';
import { passwordFromEnvironment } from '../../../main/engine/secrets/password-source.ts';
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

test('the S3 keys stored in Settings reach a job child as the variables its S3 client reads; stale ones are dropped', async () => {
  const env = childEnvironment({ PATH: '/usr/bin', QUANTAI_BACKUP_S3_ACCESS_KEY_ID: 'stale-id', QUANTAI_BACKUP_S3_SECRET_ACCESS_KEY_FILE: '/home/t/s3' });
  assert.equal(env.QUANTAI_BACKUP_S3_ACCESS_KEY_ID, undefined);
  assert.equal(env.QUANTAI_BACKUP_S3_SECRET_ACCESS_KEY_FILE, undefined);
  const store = storeUpdatingEnv(createMemorySecretStore({ 'repository-password': 'pw', 's3-access-key-id': 'AKIAEXAMPLE1' }), env);
  await refreshSecrets(env, store);
  await store.set('s3-secret-access-key', 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY');
  // Read back the way the child does: the CLI's environment secret source, then the S3 client's credential choice.
  const credentials = await resolveStaticCredentials(passwordFromEnvironment(env));
  assert.deepEqual(credentials, { accessKeyId: 'AKIAEXAMPLE1', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' });
});
