/**
 * Where secrets come from. The engine takes a SecretSource; the CLI and the
 * daemon build one from the environment, the Electron shell from safeStorage
 * (the OS keychain). Secrets are never command-line arguments (they would show
 * in `ps`), never in config.json, never in logs or error messages.
 */
import { readFile } from 'node:fs/promises';
import { BackupError } from '../errors.ts';

/** Named secrets besides the repository password. */
export type SecretName =
  | 'smtp-password'
  | 'slack-webhook-url'
  | 'twilio-auth-token'
  | 's3-access-key-id'
  | 's3-secret-access-key';

export const SECRET_NAMES: readonly SecretName[] = [
  'smtp-password',
  'slack-webhook-url',
  'twilio-auth-token',
  's3-access-key-id',
  's3-secret-access-key',
];

export interface SecretSource {
  repositoryPassword(): Promise<string>;
  /** A named secret, or null when none is set. */
  secret(name: SecretName): Promise<string | null>;
}

/** QUANTAI_BACKUP_SMTP_PASSWORD for 'smtp-password', and so on. */
export function secretEnvName(name: SecretName): string {
  return `QUANTAI_BACKUP_${name.toUpperCase().replace(/-/g, '_')}`;
}

async function readSecretFile(file: string, variable: string): Promise<string> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new BackupError('permanent', `cannot read the secret file ${file} (${variable}): ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  // A trailing newline from `echo secret > file` is not part of the secret.
  const value = text.replace(/\r?\n$/, '');
  if (!value) throw new BackupError('permanent', `the secret file ${file} (${variable}) is empty`);
  return value;
}

/** A variable's value, or the contents of the file named by `<variable>_FILE`. */
async function fromEnvironment(env: NodeJS.ProcessEnv, variable: string): Promise<string | null> {
  if (env[variable]) return env[variable]!;
  const file = env[`${variable}_FILE`];
  return file ? readSecretFile(file, `${variable}_FILE`) : null;
}

export function passwordFromEnvironment(env: NodeJS.ProcessEnv = process.env): SecretSource {
  return {
    async repositoryPassword() {
      const password = await fromEnvironment(env, 'QUANTAI_BACKUP_PASSWORD');
      if (password) return password;
      throw new BackupError('permanent', 'no repository password: set QUANTAI_BACKUP_PASSWORD_FILE (a file readable only by you) or QUANTAI_BACKUP_PASSWORD');
    },
    secret: (name) => fromEnvironment(env, secretEnvName(name)),
  };
}
