/**
 * Where the repository password comes from. The engine takes a SecretSource;
 * the CLI builds one from the environment, the Electron shell from safeStorage.
 * A password is never a command-line argument (it would show in `ps`).
 */
import { readFile } from 'node:fs/promises';
import { BackupError } from '../errors.ts';

export interface SecretSource {
  repositoryPassword(): Promise<string>;
}

export function passwordFromEnvironment(env: NodeJS.ProcessEnv = process.env): SecretSource {
  return {
    async repositoryPassword() {
      if (env.QUANTAI_BACKUP_PASSWORD) return env.QUANTAI_BACKUP_PASSWORD;
      const file = env.QUANTAI_BACKUP_PASSWORD_FILE;
      if (file) {
        let text: string;
        try {
          text = await readFile(file, 'utf8');
        } catch (err) {
          throw new BackupError('permanent', `cannot read the password file ${file} (QUANTAI_BACKUP_PASSWORD_FILE): ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
        }
        // A trailing newline from `echo pw > file` is not part of the password.
        const password = text.replace(/\r?\n$/, '');
        if (!password) throw new BackupError('permanent', `the password file ${file} is empty`);
        return password;
      }
      throw new BackupError('permanent', 'no repository password: set QUANTAI_BACKUP_PASSWORD_FILE (a file readable only by you) or QUANTAI_BACKUP_PASSWORD');
    },
  };
}
