/** Job names given on the command line, each checked against the scheduler's jobs. */
import { ConfigError, SCHEDULED_JOBS, isScheduledJobName, type ScheduledJobName } from '../../engine/index.ts';

export function parseJobNames(names: readonly string[]): ScheduledJobName[] {
  const unknown = names.filter((n) => !isScheduledJobName(n));
  if (unknown.length > 0) {
    throw new ConfigError(`unknown job${unknown.length > 1 ? 's' : ''} ${unknown.map((n) => `"${n}"`).join(', ')} (known jobs: ${SCHEDULED_JOBS.join(', ')})`);
  }
  return names as ScheduledJobName[];
}
