/**
 * What the engine tells its host. The host (tray, CLI, daemon) decides what to
 * show; the engine knows nothing of trays or windows.
 */
import { EventEmitter } from 'node:events';
import type { AlertEvent } from './health/alert-types.ts';
import type { OffsiteNotice } from './offsite/drive-arrival.ts';
import type { ReplicationEvent } from './replication/replicator.ts';

/** Every job the engine runs; the scheduler's jobs and the CLI's one-off operations. */
export type JobName =
  | 'snapshot' | 'backup' | 'full' | 'cloud' | 'offsite' | 'verify' | 'retention' | 'drill'
  | 'check' | 'restore' | 'prune';

export interface JobProgress {
  job: JobName;
  runId: number;
  phase: string;
  bytes: number;
  totalBytes?: number;
  files?: number;
  currentPath?: string;
  /** 0-100 where the total is known. */
  percent?: number;
  /** Seconds left, estimated from the rate so far, where the total is known. */
  etaSeconds?: number;
}

export interface JobFinished {
  job: JobName;
  runId: number;
  result: 'success' | 'warning' | 'failed' | 'skipped';
  snapshotId?: string;
  errorKind?: string;
  errorMessage?: string;
}

export interface EngineEventMap {
  'job-started': [{ job: JobName; runId: number }];
  'job-progress': [JobProgress];
  'job-finished': [JobFinished];
  /** An alert opened, was re-sent as a reminder, or resolved: the shell shows a desktop notification. */
  'alert': [AlertEvent];
  /** `alerts test desktop` (or the app's "send a test notification"): show this as a desktop notification. */
  'alert-test': [{ title: string; message: string }];
  /** An offsite drive was connected (copying, or no copy due), its copy ended (safe to eject), or a look-alike was refused: a desktop notification. */
  'offsite-drive': [OffsiteNotice];
  /** Real-time replication: a new generation (say so), a WAL restart it continued across, a segment shipped, a heartbeat. */
  'replication': [ReplicationEvent];
}

export class EngineEvents extends EventEmitter<EngineEventMap> {}
