/**
 * `replication status` and the health row: generation, position, last
 * shipped commit, lag over a window, and the state in words. Read from the
 * catalog only (no password, no repository access).
 */
import type { Catalog } from '../catalog/catalog.ts';
import type { Config } from '../config/config-schema.ts';
import { isProcessAlive } from '../schedule/scheduler-lock.ts';
import { summarizeLag, type LagSummary } from './lag.ts';
import { ReplicationStore } from './replication-store.ts';

export type ReplicationStatusState = 'off' | 'not-started' | 'replicating' | 'stalled' | 'stopped' | 'failed';

export interface ReplicationStatus {
  enabled: boolean;
  dbPath: string | null;
  state: ReplicationStatusState;
  generation: string | null;
  generationStartedAt: string | null;
  /** Frames shipped in this generation. */
  frameSeq: number;
  /** WAL position after the last shipped frame: salt-1/salt-2 and the frame count of the WAL file. */
  walPosition: { salt1: number; salt2: number; walFrames: number } | null;
  lastCommitAt: string | null;
  lastShippedAt: string | null;
  updatedAt: string | null;
  /** Lag of segments shipped in the window (commit seen -> durable). */
  lag: LagSummary;
  lagWindowMinutes: number;
  lagAlertSeconds: number;
  message: string;
}

export const LAG_WINDOW_MINUTES = 15;

export function buildReplicationStatus(catalog: Catalog, config: Config, now: Date): ReplicationStatus {
  const dbPath = config.database?.path ?? null;
  const enabled = config.replication.enabled;
  const lagAlertSeconds = config.replication.lagAlertSeconds;
  const store = new ReplicationStore(catalog.database);
  const record = dbPath ? store.get(dbPath) : null;
  const since = new Date(now.getTime() - LAG_WINDOW_MINUTES * 60_000).toISOString();
  const lag = dbPath ? summarizeLag(store.lagSince(dbPath, since).map((s) => s.lagMs)) : summarizeLag([]);
  const base = {
    enabled, dbPath, lag, lagWindowMinutes: LAG_WINDOW_MINUTES, lagAlertSeconds,
    generation: record?.generation ?? null, generationStartedAt: record?.generationAt ?? null, frameSeq: record?.frameSeq ?? 0,
    walPosition: record ? { salt1: record.walPosition.salt1, salt2: record.walPosition.salt2, walFrames: record.walPosition.walFrames } : null,
    lastCommitAt: record?.lastCommitAt ?? null, lastShippedAt: record?.lastShippedAt ?? null, updatedAt: record?.updatedAt ?? null,
  };
  if (!dbPath) return { ...base, state: 'off', message: 'no database configured' };
  if (!record) {
    return { ...base, state: enabled ? 'not-started' : 'off', message: enabled ? 'replication is enabled but has not run yet' : 'replication is off (config replication.enabled)' };
  }
  if (record.state === 'failed') return { ...base, state: 'failed', message: `replication stopped with an error: ${record.stateMessage ?? 'unknown'}` };
  if (record.state === 'stopped') return { ...base, state: 'stopped', message: `replication is stopped${enabled ? ' (enabled: the daemon or the app restarts it)' : ''}` };
  const silentSeconds = (now.getTime() - Date.parse(record.updatedAt)) / 1000;
  const alive = record.pid === null || isProcessAlive(record.pid);
  if (!alive || silentSeconds > Math.max(lagAlertSeconds, 15)) {
    return { ...base, state: 'stalled', message: alive ? `no word from the replicator for ${Math.round(silentSeconds)} s` : `the replicator (pid ${record.pid}) is gone without stopping` };
  }
  return { ...base, state: 'replicating', message: `replicating generation ${record.generation}` };
}
