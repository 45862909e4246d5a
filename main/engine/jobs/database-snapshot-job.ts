/**
 * The database snapshot job: a consistent, verified copy of the trading
 * database stored in the repository, recorded in the catalog with its
 * verification facts. The snapshot counts only once verification passed.
 */
import { mkdir } from 'node:fs/promises';
import type { Config } from '../config/config-schema.ts';
import type { JobContext, JobOptions } from '../engine.ts';
import { sweepStaleTemp } from '../home/tmp-sweep.ts';
import { snapshotDatabase } from '../sources/sqlite/database-snapshot.ts';
import { verifyNewSnapshot } from '../verify/post-snapshot-check.ts';
import { recordRun } from './run-recorder.ts';
import { findParentSnapshot } from './snapshot-list.ts';

export interface DatabaseSnapshotJobResult {
  runId: number;
  result: 'success';
  snapshotId: string;
  bytesAdded: number;
  sizeBytes: number;
  sha256: string;
  tables: Record<string, number>;
  copyMs: number;
  totalMs: number;
}

export async function runDatabaseSnapshotJob(ctx: JobContext, config: Config, options: JobOptions): Promise<DatabaseSnapshotJobResult> {
  const database = config.database!;
  return recordRun(ctx, 'snapshot', async (runId) => {
    // Plain copies of the database that killed runs left in tmp/ (never a live process's: see tmp-sweep.ts).
    await sweepStaleTemp(ctx.engine.paths.tmpDir, { logger: ctx.logger });
    const repository = await ctx.engine.openRepository(config);
    await mkdir(ctx.engine.paths.tmpDir, { recursive: true });
    const parent = await findParentSnapshot(repository, 'kind:sqlite', database.path);
    const result = await snapshotDatabase(repository, {
      dbPath: database.path,
      tmpDir: ctx.engine.paths.tmpDir,
      requiredTables: database.requiredTables,
      hostname: ctx.hostname,
      now: () => ctx.clock.now(),
      ...(parent ? { parent } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
      onProgress: (p) => ctx.events.emit('job-progress', { job: 'snapshot', runId, phase: p.phase, bytes: p.bytes, totalBytes: p.totalBytes }),
    });
    // The metadata rung of the verification ladder: a snapshot counts only once its trees and blobs are all there.
    await verifyNewSnapshot(ctx, repository, result.snapshotId);
    const manifest = result.manifest;
    ctx.catalog.recordSnapshot({
      id: result.snapshotId,
      repositoryId: repository.id,
      time: manifest.captured_at,
      kind: 'sqlite',
      tier: 1,
      source: database.path,
      treeId: result.treeId,
      sizeBytes: manifest.size,
      bytesAdded: result.bytesAdded,
      sha256: manifest.sha256,
      verification: manifest.verification,
      runId,
    });
    ctx.logger.log('info', 'database snapshot stored', { snapshot: result.snapshotId.slice(0, 8), bytesAdded: result.bytesAdded });
    return {
      result: 'success' as const,
      snapshotId: result.snapshotId,
      bytesAdded: result.bytesAdded,
      sizeBytes: manifest.size,
      sha256: manifest.sha256,
      tables: manifest.verification.tables,
      copyMs: result.copyMs,
      totalMs: result.totalMs,
      details: { tables: manifest.verification.tables, copyMs: result.copyMs, totalMs: result.totalMs },
    };
  });
}
