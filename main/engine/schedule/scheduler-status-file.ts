/**
 * What the scheduling host is doing right now (running, queued, waiting and
 * why, progress), written to the home folder so `quantai-backup jobs` in
 * another process can show it. Rewritten atomically; stale once its host died.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ScheduledJobName } from '../config/schedule-schema.ts';
import type { JobProgress } from '../engine-events.ts';
import { writeFileAtomic } from '../util/atomic-write.ts';
import type { JobWait } from './job-queue.ts';
import type { JobLiveState } from './scheduler.ts';
import type { SchedulerLockInfo } from './scheduler-lock.ts';

export const SCHEDULER_STATUS_FILE = 'scheduler-status.json';

export interface LiveJobRecord {
  state: JobLiveState['state'];
  wait: (Omit<JobWait, 'until'> & { until: string | null }) | null;
  trigger: JobLiveState['trigger'];
  startedAt: string | null;
  nextRunAt: string | null;
  progress: JobProgress | null;
}

export interface SchedulerStatus {
  holder: SchedulerLockInfo;
  updatedAt: string;
  jobs: Partial<Record<ScheduledJobName, LiveJobRecord>>;
}

export function schedulerStatusPath(home: string): string {
  return join(home, SCHEDULER_STATUS_FILE);
}

export function toStatus(holder: SchedulerLockInfo, now: Date, states: readonly JobLiveState[]): SchedulerStatus {
  const jobs: SchedulerStatus['jobs'] = {};
  for (const s of states) {
    jobs[s.job] = {
      state: s.state,
      wait: s.wait ? { ...s.wait, until: s.wait.until ? s.wait.until.toISOString() : null } : null,
      trigger: s.trigger,
      startedAt: s.startedAt ? s.startedAt.toISOString() : null,
      nextRunAt: s.nextRunAt ? s.nextRunAt.toISOString() : null,
      progress: s.progress,
    };
  }
  return { holder, updatedAt: now.toISOString(), jobs };
}

export async function writeSchedulerStatus(home: string, status: SchedulerStatus): Promise<void> {
  await writeFileAtomic(schedulerStatusPath(home), `${JSON.stringify(status)}\n`);
}

export function readSchedulerStatus(home: string): SchedulerStatus | null {
  let text: string;
  try {
    text = readFileSync(schedulerStatusPath(home), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  try {
    return JSON.parse(text) as SchedulerStatus;
  } catch (err) {
    if (err instanceof SyntaxError) return null;
    throw err;
  }
}
