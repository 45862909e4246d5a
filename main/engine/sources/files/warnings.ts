/**
 * Problems a file backup reports and survives. The run still succeeds; the
 * job layer turns these into a 'warning' run result and an alert.
 *  - changed-during-read: the file kept changing across retries; what was read
 *    last is stored (possibly torn), and the next backup reads it again.
 *  - unreadable: permission denied or an I/O error; the entry is left out.
 *  - vanished: deleted between listing its folder and reading it; left out.
 */
export type FileWarningKind = 'changed-during-read' | 'unreadable' | 'vanished';

export interface FileWarning {
  /** The path as text (bytes that are not UTF-8 shown as U+FFFD). */
  path: string;
  kind: FileWarningKind;
  message?: string;
}

export function pathText(path: Buffer): string {
  return path.toString('utf8');
}

/**
 * Classifies a file-system error met while walking: a warning kind to report
 * and continue, or undefined for errors that must stop the backup (no code:
 * a bug, not the file system; ENOSPC/EMFILE etc. are also not per-file).
 */
export function warningKindOf(err: unknown): FileWarningKind | undefined {
  const code = (err as NodeJS.ErrnoException | null)?.code;
  switch (code) {
    case 'ENOENT':
    case 'ENOTDIR':
      return 'vanished';
    case 'EACCES':
    case 'EPERM':
    case 'EIO':
    case 'ELOOP':
    case 'ENXIO':
    case 'EISDIR':
      return 'unreadable';
    default:
      return undefined;
  }
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
