/**
 * The environment of job child processes (the scheduler's executor runs
 * `quantai-backup run <job>` with Electron as Node: ELECTRON_RUN_AS_NODE=1).
 * The children read secrets from the variables the CLI documents; the object
 * is refreshed in place when a secret changes, since the executor keeps it.
 */
import type { SecretName } from '../../preload/ipc-contract.ts';
import type { SecretStore } from '../app/index.ts';
import { secretEnvName } from '../engine/index.ts';

/** The CLI's variable per secret ('smtp-password' -> QUANTAI_BACKUP_SMTP_PASSWORD). */
export function secretVariable(name: SecretName): string {
  return name === 'repository-password' ? 'QUANTAI_BACKUP_PASSWORD' : secretEnvName(name);
}

const NAMES: readonly SecretName[] = [
  'repository-password', 'smtp-password', 'slack-webhook-url', 'twilio-auth-token', 's3-access-key-id', 's3-secret-access-key',
];

export function childEnvironment(base: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...base, ELECTRON_RUN_AS_NODE: '1' };
  // Never inherit file-based or stale secrets from the environment the app started in: the keychain decides.
  for (const name of NAMES) {
    delete env[secretVariable(name)];
    delete env[`${secretVariable(name)}_FILE`];
  }
  return env;
}

export async function refreshSecrets(env: NodeJS.ProcessEnv, store: SecretStore): Promise<void> {
  for (const name of NAMES) {
    const value = await store.get(name);
    if (value) env[secretVariable(name)] = value;
    else delete env[secretVariable(name)];
  }
}

/** A store whose writes also update the children's environment. */
export function storeUpdatingEnv(store: SecretStore, env: NodeJS.ProcessEnv): SecretStore {
  return {
    get: (name) => store.get(name),
    has: (name) => store.has(name),
    set: async (name, value) => {
      await store.set(name, value);
      env[secretVariable(name)] = value;
    },
    delete: async (name) => {
      await store.delete?.(name);
      delete env[secretVariable(name)];
    },
  };
}
