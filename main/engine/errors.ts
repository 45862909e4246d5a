/**
 * Every error the engine raises carries a kind, so callers (CLI, shell, retry
 * decorators) can decide what to do without parsing messages, and a message a
 * user can act on ("repository password is wrong", not "MAC mismatch").
 */
export type ErrorKind = 'not-found' | 'permanent' | 'transient' | 'fatal';

export class BackupError extends Error {
  readonly kind: ErrorKind;

  constructor(kind: ErrorKind, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'BackupError';
    this.kind = kind;
  }
}

/** A config file or option that does not validate: the CLI exits 2 for these. */
export class ConfigError extends BackupError {
  constructor(message: string) {
    super('permanent', message);
    this.name = 'ConfigError';
  }
}

export function isBackupError(err: unknown): err is BackupError {
  return err instanceof BackupError;
}

/** Turns any thrown value into a one-line message for a user. */
export function describeError(err: unknown): string {
  if (err instanceof Error) return err.message.split('\n')[0] ?? String(err);
  return String(err);
}
