/**
 * The app's SecretStore on Electron safeStorage (macOS Keychain, Windows
 * DPAPI, the Secret Service/KWallet on Linux). Only ciphertext is written, to
 * <home>/secrets.json (mode 0600). Where safeStorage cannot really encrypt
 * (no keyring on Linux: its 'basic_text' backend uses a fixed key) it refuses
 * rather than store something anyone could read.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { SafeStorage } from 'electron';
import { BackupError, writeFileAtomic } from '../engine/index.ts';
import type { SecretName } from '../../preload/ipc-contract.ts';
import type { SecretStore } from '../app/secret-store.ts';

/** The part of safeStorage used here (tests pass a stand-in). */
export type SafeStorageLike = Pick<SafeStorage, 'isEncryptionAvailable' | 'encryptString' | 'decryptString'> & {
  getSelectedStorageBackend?: () => string;
};

type SecretsFile = Partial<Record<SecretName, string>>;

export function createSafeStorageSecretStore(file: string, safe: SafeStorageLike, platform: NodeJS.Platform = process.platform): SecretStore {
  const requireEncryption = (): void => {
    if (!safe.isEncryptionAvailable()) {
      throw new BackupError('permanent', 'the operating system keychain is not available, so secrets cannot be stored safely; unlock or install a keyring (on Linux: GNOME Keyring or KWallet) and try again');
    }
    if (platform === 'linux' && safe.getSelectedStorageBackend?.() === 'basic_text') {
      throw new BackupError('permanent', 'no keyring is running (Secret Service or KWallet), so secrets would be stored with a fixed key; start GNOME Keyring or KWallet, or run `quantai-backup daemon` with QUANTAI_BACKUP_PASSWORD_FILE');
    }
  };

  const read = (): SecretsFile => {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return {};
      throw new BackupError('permanent', `cannot read the secrets file ${file}: ${(err as Error).message}`);
    }
    try {
      return JSON.parse(text) as SecretsFile;
    } catch (err) {
      if (err instanceof SyntaxError) throw new BackupError('permanent', `the secrets file ${file} is damaged; delete it and enter the secrets again in Settings`);
      throw err;
    }
  };

  // fsync'd temp file + rename + directory fsync: a power cut never leaves an empty secrets file
  // (which would lose the repository password from the keychain).
  const write = async (secrets: SecretsFile): Promise<void> => {
    mkdirSync(dirname(file), { recursive: true });
    await writeFileAtomic(file, `${JSON.stringify(secrets, null, 2)}\n`, { mode: 0o600 });
  };

  return {
    async get(name) {
      const stored = read()[name];
      if (stored === undefined) return null;
      requireEncryption();
      try {
        return safe.decryptString(Buffer.from(stored, 'base64'));
      } catch (err) {
        throw new BackupError('permanent', `the stored ${name} cannot be decrypted (the keychain changed or this is another user): enter it again in Settings (${(err as Error).message})`);
      }
    },
    async set(name, value) {
      requireEncryption();
      const secrets = read();
      secrets[name] = safe.encryptString(value).toString('base64');
      await write(secrets);
    },
    async has(name) {
      return read()[name] !== undefined;
    },
    async delete(name) {
      const secrets = read();
      if (secrets[name] === undefined) return;
      delete secrets[name];
      await write(secrets);
    },
  };
}
