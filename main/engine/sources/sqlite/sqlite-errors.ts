/**
 * Turns better-sqlite3's SqliteError codes into BackupErrors a user can act
 * on, naming the database by the path the user configured.
 */
import { BackupError, isBackupError } from '../../errors.ts';

export function sqliteErrorToBackupError(err: unknown, label: string): BackupError {
  if (isBackupError(err)) return err;
  const code = String((err as { code?: unknown }).code ?? '');
  const detail = err instanceof Error ? err.message : String(err);
  // Extended codes (SQLITE_BUSY_SNAPSHOT, SQLITE_IOERR_SHORT_READ) share their primary code's meaning.
  const base = code.split('_').slice(0, 2).join('_');
  switch (base) {
    case 'SQLITE_NOTADB':
      return new BackupError('permanent', `${label} is not a SQLite database (file is not a database); check the database path in the configuration`, { cause: err });
    case 'SQLITE_CORRUPT':
      return new BackupError('permanent', `${label} is corrupt (${detail}); repair it or restore an earlier snapshot`, { cause: err });
    case 'SQLITE_BUSY':
    case 'SQLITE_LOCKED':
      return new BackupError('transient', `${label} stayed locked by another process (${detail}); the next run will try again`, { cause: err });
    case 'SQLITE_CANTOPEN':
      return new BackupError('permanent', `cannot open ${label} (${detail}); check that the file and its folder are readable`, { cause: err });
    case 'SQLITE_FULL':
    case 'SQLITE_IOERR':
      return new BackupError('transient', `reading or writing ${label} failed (${detail}); check free disk space`, { cause: err });
    case 'SQLITE_READONLY':
    case 'SQLITE_PERM':
    case 'SQLITE_AUTH':
      return new BackupError('permanent', `no permission to read ${label} (${detail})`, { cause: err });
    default:
      return new BackupError('fatal', `SQLite failed on ${label}: ${detail}`, { cause: err });
  }
}
