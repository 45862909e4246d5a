/**
 * What the engine tells its host. The host (tray, CLI, daemon) decides what to
 * show; the engine knows nothing of trays or windows.
 */
import { EventEmitter } from 'node:events';

export type JobName = 'snapshot' | 'backup' | 'check' | 'restore';

export interface JobProgress {
  job: JobName;
  runId: number;
  phase: string;
  bytes: number;
  totalBytes?: number;
  files?: number;
  currentPath?: string;
}

export interface JobFinished {
  job: JobName;
  runId: number;
  result: 'success' | 'warning' | 'failed';
  snapshotId?: string;
  errorKind?: string;
  errorMessage?: string;
}

export interface EngineEventMap {
  'job-started': [{ job: JobName; runId: number }];
  'job-progress': [JobProgress];
  'job-finished': [JobFinished];
}

export class EngineEvents extends EventEmitter<EngineEventMap> {}
