/**
 * Runs killed with kill -9 (or lost to a power cut) never reach recordRun's
 * log entry. When a later process opens the catalog it marks them
 * 'interrupted' (Catalog.markInterruptedRuns); this logs each one it marked,
 * so the operations log holds every run. The entry waits in the catalog and
 * goes to the repository with the next flush, like any other.
 */
import type { Catalog } from '../catalog/catalog.ts';
import { appendOperation, type OperationType } from './oplog.ts';

interface RunningRow { id: number; job: string; started_at: string; host_pid: number }

/**
 * Marks the dead processes' runs interrupted and logs them, in one IMMEDIATE
 * transaction: two processes opening the catalog at once cannot both log the
 * same run. Returns the number of runs marked.
 */
export function markAndLogInterruptedRuns(catalog: Catalog, now: Date, isAlive: (pid: number) => boolean, hostname?: string): number {
  const db = catalog.database;
  const select = db.prepare("SELECT id, job, started_at, host_pid FROM runs WHERE result = 'running'");
  // Read-only first: the common case (nothing was killed) takes no write lock at every catalog open.
  const dead = (rows: RunningRow[]): RunningRow[] => rows.filter((r) => r.host_pid !== process.pid && !isAlive(r.host_pid));
  if (dead(select.all() as RunningRow[]).length === 0) return 0;
  const markAndLog = db.transaction((): number => {
    const before = dead(select.all() as RunningRow[]);
    const marked = catalog.markInterruptedRuns(now, isAlive);
    const still = new Set((select.all() as RunningRow[]).map((r) => r.id));
    const clock = { now: () => now };
    for (const run of before) {
      if (still.has(run.id)) continue;
      appendOperation({ catalog, clock, ...(hostname ? { hostname } : {}) }, {
        // Whatever job the row names (recordRun logs runs under their job's name).
        type: run.job as OperationType,
        summary: `${run.job} run ${run.id} interrupted: its process (pid ${run.host_pid}) stopped before it finished; found ${now.toISOString()}`,
        data: { runId: run.id, result: 'interrupted', startedAt: run.started_at, pid: run.host_pid, foundAt: now.toISOString() },
      });
    }
    return marked;
  });
  return markAndLog.immediate();
}
