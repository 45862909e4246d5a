/**
 * Pausing and resuming jobs, always with a reason and recorded in the
 * catalog's event log: nothing is ever paused silently.
 */
import type { Catalog } from '../catalog/catalog.ts';
import { JobStateStore } from '../catalog/job-state-store.ts';
import type { Clock } from '../clock.ts';
import { SCHEDULED_JOBS, type ScheduledJobName } from '../config/schedule-schema.ts';
import { ConfigError } from '../errors.ts';

export interface PauseResult {
  jobs: ScheduledJobName[];
  until: string | null;
  reason: string;
}

export function pauseJobs(catalog: Catalog, clock: Clock, jobs: readonly ScheduledJobName[], until: Date | null, reason: string): PauseResult {
  if (!reason.trim()) throw new ConfigError('a pause needs a reason (--reason TEXT): it is shown wherever the job is listed');
  const now = clock.now();
  if (until && until.getTime() <= now.getTime()) throw new ConfigError(`the pause would end in the past (${until.toISOString()})`);
  const targets = jobs.length > 0 ? [...jobs] : [...SCHEDULED_JOBS];
  const store = new JobStateStore(catalog.database);
  for (const job of targets) store.pause(job, until, reason.trim());
  catalog.addEvent({
    time: now.toISOString(), level: 'warning', type: 'jobs-paused',
    message: `paused ${targets.join(', ')} ${until ? `until ${until.toISOString()}` : 'until resumed'} because ${reason.trim()}`,
    data: { jobs: targets, until: until?.toISOString() ?? null, reason: reason.trim() },
  });
  return { jobs: targets, until: until?.toISOString() ?? null, reason: reason.trim() };
}

export function resumeJobs(catalog: Catalog, clock: Clock, jobs: readonly ScheduledJobName[]): ScheduledJobName[] {
  const targets = jobs.length > 0 ? [...jobs] : [...SCHEDULED_JOBS];
  const store = new JobStateStore(catalog.database);
  const resumed = targets.filter((job) => store.resume(job));
  if (resumed.length > 0) {
    catalog.addEvent({ time: clock.now().toISOString(), level: 'info', type: 'jobs-resumed', message: `resumed ${resumed.join(', ')}`, data: { jobs: resumed } });
  }
  return resumed;
}
