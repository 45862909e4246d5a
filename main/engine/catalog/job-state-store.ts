/**
 * Scheduler state kept in the catalog's job_state table: pauses (until when
 * and why, so nothing is ever paused silently) and the last scheduled time the
 * scheduler handled. Last successes come from the runs table.
 */
import type Database from 'better-sqlite3';

export interface JobPause {
  job: string;
  /** null: paused until someone resumes it. */
  until: Date | null;
  reason: string;
}

interface StateRow {
  job: string;
  paused_until: string | null;
  pause_reason: string | null;
  last_scheduled_at: string | null;
}

export class JobStateStore {
  private readonly db: Database.Database;

  constructor(db: Database.Database) {
    this.db = db;
  }

  pause(job: string, until: Date | null, reason: string): void {
    this.db
      .prepare(`INSERT INTO job_state (job, paused_until, pause_reason) VALUES (?, ?, ?)
                ON CONFLICT (job) DO UPDATE SET paused_until = excluded.paused_until, pause_reason = excluded.pause_reason`)
      .run(job, until ? until.toISOString() : null, reason);
  }

  /** Returns whether the job was paused. */
  resume(job: string): boolean {
    const info = this.db
      .prepare('UPDATE job_state SET paused_until = NULL, pause_reason = NULL WHERE job = ? AND pause_reason IS NOT NULL')
      .run(job);
    return info.changes > 0;
  }

  /**
   * The job's pause in force at `now`, or null. A pause whose time has passed
   * is cleared here and returned in `expired` so the caller can log it.
   */
  pauseAt(job: string, now: Date): { pause: JobPause | null; expired: JobPause | null } {
    const row = this.row(job);
    if (!row || row.pause_reason === null) return { pause: null, expired: null };
    const pause: JobPause = { job, until: row.paused_until ? new Date(row.paused_until) : null, reason: row.pause_reason };
    if (pause.until && pause.until.getTime() <= now.getTime()) {
      this.resume(job);
      return { pause: null, expired: pause };
    }
    return { pause, expired: null };
  }

  lastScheduledAt(job: string): Date | null {
    const at = this.row(job)?.last_scheduled_at;
    return at ? new Date(at) : null;
  }

  setLastScheduledAt(job: string, at: Date): void {
    this.db
      .prepare(`INSERT INTO job_state (job, last_scheduled_at) VALUES (?, ?)
                ON CONFLICT (job) DO UPDATE SET last_scheduled_at = excluded.last_scheduled_at`)
      .run(job, at.toISOString());
  }

  /** Start time of the job's latest run that succeeded (with or without warnings). */
  lastSuccess(job: string): Date | null {
    const row = this.db
      .prepare("SELECT started_at FROM runs WHERE job = ? AND result IN ('success', 'warning') ORDER BY started_at DESC LIMIT 1")
      .get(job) as { started_at: string } | undefined;
    return row ? new Date(row.started_at) : null;
  }

  /**
   * Start time of the job's latest run that completed: succeeded, or skipped on
   * purpose (a job not built or not configured has nothing to catch up on).
   * Failed and interrupted runs do not count, so catch-up retries them.
   */
  lastSettled(job: string): Date | null {
    const row = this.db
      .prepare("SELECT started_at FROM runs WHERE job = ? AND result IN ('success', 'warning', 'skipped') ORDER BY started_at DESC LIMIT 1")
      .get(job) as { started_at: string } | undefined;
    return row ? new Date(row.started_at) : null;
  }

  /** Runs of this job still marked running (by any process). */
  runningRuns(job: string): { id: number; startedAt: string; pid: number }[] {
    const rows = this.db
      .prepare("SELECT id, started_at, host_pid FROM runs WHERE job = ? AND result = 'running' ORDER BY id")
      .all(job) as { id: number; started_at: string; host_pid: number }[];
    return rows.map((r) => ({ id: r.id, startedAt: r.started_at, pid: r.host_pid }));
  }

  private row(job: string): StateRow | undefined {
    return this.db.prepare('SELECT * FROM job_state WHERE job = ?').get(job) as StateRow | undefined;
  }
}
