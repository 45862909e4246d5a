/**
 * Restore: a database snapshot becomes a new database file (never over an
 * existing one without `force`), checked with integrity_check; a file snapshot
 * becomes a folder tree under the target, optionally only the paths matching
 * `include`; files and symlinks that already exist there refuse the restore
 * before anything is written unless `force`, which replaces them atomically.
 */
import type { Config } from '../config/config-schema.ts';
import type { JobContext } from '../engine.ts';
import { BackupError } from '../errors.ts';
import type { Repository } from '../repo/repository.ts';
import type { SnapshotEntry } from '../repo/types.ts';
import { restoreDatabase } from '../restore/restore-database.ts';
import { restoreFiles } from '../restore/restore-files.ts';
import { recordRun } from './run-recorder.ts';
import { repositoryFrom, type FromOptions } from '../cloud/repository-from.ts';

export interface RestoreOptions extends FromOptions {
  to: string;
  include?: string[];
  force?: boolean;
  /** With 'latest': the newest snapshot of this kind (a database and a folder backup share one repository). */
  kind?: 'database' | 'files';
}

/** `latest` narrowed to a kind; anything else (an id or prefix) as the repository finds it. */
async function findRestoreSnapshot(repository: Repository, ref: string, kind: RestoreOptions['kind']): Promise<SnapshotEntry> {
  if (!kind || ref !== 'latest') return repository.findSnapshot(ref);
  const tag = kind === 'database' ? 'kind:sqlite' : 'kind:files';
  const entries = (await repository.listSnapshots()).filter((e) => (e.snapshot.tags ?? []).includes(tag));
  const newest = entries[entries.length - 1];
  if (!newest) throw new BackupError('not-found', `no ${kind} snapshot in the repository yet`);
  return newest;
}

export type RestoreOutcome =
  | { kind: 'sqlite'; runId: number; snapshotId: string; path: string; sha256: string; size: number; integrityCheck: string; tables: Record<string, number>; replacedTo?: string }
  | { kind: 'files'; runId: number; snapshotId: string; target: string; files: number; dirs: number; bytes: number; warnings: unknown[] };

export async function runRestore(ctx: JobContext, config: Config, ref: string, options: RestoreOptions): Promise<RestoreOutcome> {
  const outcome = await recordRun(ctx, 'restore', async () => {
    const repository = await repositoryFrom(ctx, config, options);
    const entry = await findRestoreSnapshot(repository, ref, options.kind);
    const tags = entry.snapshot.tags ?? [];
    if (tags.includes('kind:sqlite')) {
      if (options.include && options.include.length > 0) {
        throw new BackupError('permanent', '--include applies to file snapshots; a database snapshot restores as one file');
      }
      const r = await restoreDatabase(repository, entry.id, { to: options.to, ...(options.force ? { force: true } : {}) });
      return {
        result: 'success' as const,
        snapshotId: entry.id,
        restored: { kind: 'sqlite' as const, snapshotId: entry.id, path: r.path, sha256: r.sha256, size: r.size, integrityCheck: r.integrityCheck, tables: r.tables, ...(r.replacedTo ? { replacedTo: r.replacedTo } : {}) },
        details: { kind: 'sqlite', to: r.path },
      };
    }
    if (tags.includes('kind:files') || !tags.includes('quantai')) {
      const r = await restoreFiles(repository, entry.id, {
        target: options.to, ...(options.include ? { include: options.include } : {}), ...(options.force ? { force: true } : {}),
      });
      return {
        result: r.warnings.length > 0 ? ('warning' as const) : ('success' as const),
        snapshotId: entry.id,
        restored: { kind: 'files' as const, snapshotId: entry.id, target: options.to, files: r.files, dirs: r.dirs, bytes: r.bytes, warnings: r.warnings },
        details: { kind: 'files', to: options.to, files: r.files },
      };
    }
    throw new BackupError('permanent', `snapshot ${entry.id.slice(0, 8)} has tags ${tags.join(',')} this version cannot restore`);
  });
  return { ...outcome.restored, runId: outcome.runId };
}
