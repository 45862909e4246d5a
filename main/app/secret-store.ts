/**
 * Where the app keeps secrets: the repository password and the alert channels'
 * tokens. The Electron shell implements this with safeStorage (the OS
 * keychain); tests use the in-memory store. Values never go back to the
 * renderer: the app API only ever reports whether a secret is set.
 */
import type { SecretName } from '../../preload/ipc-contract.ts';

export const APP_SECRET_NAMES: readonly SecretName[] = [
  'repository-password', 'smtp-password', 'slack-webhook-url', 'twilio-auth-token', 's3-access-key-id', 's3-secret-access-key',
];

export function isSecretName(name: unknown): name is SecretName {
  return typeof name === 'string' && (APP_SECRET_NAMES as readonly string[]).includes(name);
}

export interface SecretStore {
  /** The stored value, or null when none is set. */
  get(name: SecretName): Promise<string | null>;
  set(name: SecretName, value: string): Promise<void>;
  has(name: SecretName): Promise<boolean>;
  /**
   * Removes a secret. Optional: the wizard uses it to take back a password
   * that did not open the repository; without it the password stays stored.
   */
  delete?(name: SecretName): Promise<void>;
}

/** A store that lives as long as the process: tests, and hosts without a keychain. */
export function createMemorySecretStore(initial: Partial<Record<SecretName, string>> = {}): SecretStore {
  const values = new Map<SecretName, string>(Object.entries(initial) as [SecretName, string][]);
  return {
    get: async (name) => values.get(name) ?? null,
    set: async (name, value) => {
      values.set(name, value);
    },
    has: async (name) => values.has(name),
    delete: async (name) => {
      values.delete(name);
    },
  };
}
