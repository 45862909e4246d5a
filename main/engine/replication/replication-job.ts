/**
 * The replication job: runs the replicator for the configured database until
 * the signal stops it, keeping the catalog's replication row and lag samples
 * current (for `replication status`, health and alerts) and recording
 * generation changes as catalog events and engine events.
 */
import { BackupError, describeError } from '../errors.ts';
import type { Config } from '../config/config-schema.ts';
import { replicationSpans } from '../config/replication-schema.ts';
import type { JobContext } from '../engine.ts';
import { ReplicationStore, type ReplicationStateName, type ReplicationStateRecord } from './replication-store.ts';
import { runReplicator, type ReplicationEvent, type ReplicationSummary } from './replicator.ts';
import type { WalPosition } from './wal-segment-codec.ts';

export interface ReplicateOptions {
  signal: AbortSignal;
  onEvent?: (event: ReplicationEvent) => void;
  /** Overrides config.replication.intervalMs (tests). */
  intervalMs?: number;
  /** Overrides config.replication.checkpointBytes (tests). */
  checkpointBytes?: number;
}

const HEARTBEAT_MS = 5000;

export async function runReplicationJob(ctx: JobContext, config: Config, options: ReplicateOptions): Promise<ReplicationSummary> {
  const database = config.database;
  if (!database) {
    throw new BackupError('permanent', 'no database configured: run `quantai-backup init --db PATH --repo PATH` before `quantai-backup replicate`');
  }
  const repo = await ctx.engine.openRepository(config);
  const store = new ReplicationStore(ctx.catalog.database);
  const now = () => ctx.clock.now();
  let record: ReplicationStateRecord | null = null;
  let lastSaved = 0;
  const save = (patch: Partial<ReplicationStateRecord>, force = false) => {
    if (!record) return;
    record = { ...record, ...patch, updatedAt: now().toISOString() };
    if (force || Date.now() - lastSaved >= HEARTBEAT_MS || patch.lastShippedAt) {
      store.save(record);
      lastSaved = Date.now();
    }
  };
  const begin = (generation: string, frameSeq: number, state: ReplicationStateName) => {
    const previous = store.get(database.path);
    record = {
      dbPath: database.path, repositoryId: repo.id, generation,
      generationAt: previous?.generation === generation ? previous.generationAt : now().toISOString(),
      frameSeq, walPosition: previous?.generation === generation ? previous.walPosition : emptyPosition(),
      lastCommitAt: previous?.generation === generation ? previous.lastCommitAt : null,
      lastShippedAt: previous?.lastShippedAt ?? null, state, stateMessage: null, pid: process.pid, updatedAt: now().toISOString(),
    };
    store.save(record);
  };
  const onEvent = (event: ReplicationEvent) => {
    switch (event.type) {
      case 'generation-started':
        begin(event.generation, 0, 'replicating');
        ctx.catalog.addEvent({
          time: now().toISOString(), level: 'warning', type: 'replication-generation',
          message: `replication of ${database.path} starts generation ${event.generation}: ${event.reason}`,
          data: { generation: event.generation, snapshotId: event.snapshotId },
        });
        break;
      case 'resumed':
        begin(event.generation, event.frameSeq, 'replicating');
        break;
      case 'wal-restarted':
        ctx.catalog.addEvent({
          time: now().toISOString(), level: 'info', type: 'replication-wal-restart',
          message: `the WAL of ${database.path} restarted; generation ${event.generation} continues: ${event.evidence}`,
          data: { generation: event.generation },
        });
        break;
      case 'segment-shipped': {
        const at = now().toISOString();
        save({ frameSeq: event.frameSeq, walPosition: event.end, lastCommitAt: new Date(event.lastCommitMs).toISOString(), lastShippedAt: at });
        store.addLag(database.path, {
          time: at, lagMs: Math.max(...event.lagMs), commits: event.commits, frames: event.frames, bytes: event.bytes,
        });
        break;
      }
      case 'tick':
        save({});
        break;
      case 'maintained':
        if (event.droppedGenerations.length > 0) {
          ctx.catalog.addEvent({
            time: now().toISOString(), level: 'info', type: 'replication-retention',
            message: `replication retention dropped ${event.droppedGenerations.length} old generation(s) of ${database.path} (${event.removedSegments} segments)`,
            data: { generations: event.droppedGenerations },
          });
        }
        break;
      case 'checkpoint':
      case 'stopped':
        break;
    }
    ctx.events.emit('replication', event);
    options.onEvent?.(event);
  };
  try {
    const summary = await runReplicator({
      repo, dbPath: database.path, tmpDir: ctx.engine.paths.tmpDir,
      intervalMs: options.intervalMs ?? config.replication.intervalMs,
      checkpointBytes: options.checkpointBytes ?? config.replication.checkpointBytes,
      ...replicationSpans(config.replication),
      now, logger: ctx.logger, signal: options.signal, onEvent,
      requiredTables: database.requiredTables, hostname: ctx.hostname,
    });
    save({ state: 'stopped', stateMessage: null, pid: null }, true);
    return summary;
  } catch (err) {
    save({ state: 'failed', stateMessage: describeError(err), pid: null }, true);
    throw err;
  }
}

function emptyPosition(): WalPosition {
  return { salt1: 0, salt2: 0, checkpointSeq: 0, walFrames: 0, checksum1: 0, checksum2: 0 };
}
