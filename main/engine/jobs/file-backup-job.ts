/**
 * The file backup job: the configured folders, with the configured excludes,
 * reusing unchanged files from the previous snapshot of the same folders
 * unless `full` asks to re-read everything. Problems with single files are
 * warnings: the run completes and says which files were affected.
 */
import type { Config } from '../config/config-schema.ts';
import type { JobContext, JobOptions } from '../engine.ts';
import { backupFiles } from '../sources/files/file-backup.ts';
import type { FileWarning } from '../sources/files/file-backup.ts';
import { verifyNewSnapshot } from '../verify/post-snapshot-check.ts';
import { recordRun } from './run-recorder.ts';
import { findParentSnapshot } from './snapshot-list.ts';

export interface FileBackupJobResult {
  runId: number;
  result: 'success' | 'warning';
  snapshotId: string;
  bytesAdded: number;
  bytesRead: number;
  totalFileBytes: number;
  filesNew: number;
  filesChanged: number;
  filesUnchanged: number;
  warnings: FileWarning[];
}

export async function runFileBackupJob(ctx: JobContext, config: Config, options: JobOptions & { full?: boolean }): Promise<FileBackupJobResult> {
  const paths = config.files.sources.map((s) => s.path);
  const tier = Math.min(...config.files.sources.map((s) => s.tier));
  return recordRun(ctx, options.full ? 'full' : 'backup', async (runId) => {
    const repository = await ctx.engine.openRepository(config);
    const parent = options.full ? undefined : await findParentSnapshot(repository, 'kind:files', paths.join('\n'));
    const result = await backupFiles(repository, {
      paths,
      excludes: config.files.excludes,
      tags: [`tier:${tier}`],
      hostname: ctx.hostname,
      now: () => ctx.clock.now(),
      ...(parent ? { parent } : {}),
      ...(options.full ? { full: true } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
      onProgress: (p) => ctx.events.emit('job-progress', { job: options.full ? 'full' : 'backup', runId, phase: p.phase, bytes: p.bytes, files: p.files, ...(p.currentPath ? { currentPath: p.currentPath } : {}) }),
    });
    // The metadata rung of the verification ladder: a snapshot counts only once its trees and blobs are all there.
    await verifyNewSnapshot(ctx, repository, result.snapshotId);
    ctx.catalog.recordSnapshot({
      id: result.snapshotId,
      repositoryId: repository.id,
      time: result.time,
      kind: 'files',
      tier,
      source: paths.join('\n'),
      treeId: result.treeId,
      sizeBytes: result.totalFileBytes,
      bytesAdded: result.bytesAdded,
      sha256: null,
      verification: null,
      runId,
    });
    for (const warning of result.warnings) {
      ctx.catalog.addEvent({ time: ctx.clock.now().toISOString(), level: 'warning', type: `backup-${warning.kind}`, message: `${warning.path}: ${warning.message ?? warning.kind}`, data: { snapshotId: result.snapshotId } });
    }
    return {
      result: result.warnings.length > 0 ? ('warning' as const) : ('success' as const),
      snapshotId: result.snapshotId,
      bytesAdded: result.bytesAdded,
      bytesRead: result.bytesRead,
      totalFileBytes: result.totalFileBytes,
      filesNew: result.filesNew,
      filesChanged: result.filesChanged,
      filesUnchanged: result.filesUnchanged,
      warnings: result.warnings,
      details: { warnings: result.warnings.length, filesNew: result.filesNew, filesChanged: result.filesChanged, filesUnchanged: result.filesUnchanged, bytesRead: result.bytesRead },
    };
  });
}
