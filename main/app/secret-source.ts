/**
 * The engine's SecretSource for an engine the app hosts: every read goes to
 * the SecretStore (the OS keychain in the shell), so a secret saved in
 * Settings applies to the next job without a restart.
 */
import { BackupError, type SecretSource } from '../engine/index.ts';
import { isSecretName, type SecretStore } from './secret-store.ts';

export function secretSourceFromStore(store: SecretStore): SecretSource {
  return {
    async repositoryPassword() {
      const password = await store.get('repository-password');
      if (password) return password;
      throw new BackupError('permanent', 'no repository password is stored: run the first-run wizard or set it in Settings');
    },
    // The app does not store every engine secret yet (S3 keys): those read as unset,
    // so the cloud tier falls back to the AWS credential chain.
    secret: async (name) => (isSecretName(name) ? store.get(name) : null),
  };
}
