/**
 * The `replication` section of config.json: real-time WAL shipping of the
 * trading database (issue 9). Off by default: it keeps a read transaction on
 * the live database open and needs the database to be in WAL mode.
 * Strict: unknown keys are errors.
 */
import { z } from 'zod';

const MIB = 1024 * 1024;
const HOUR_MS = 3_600_000;

/** The point-in-time window and rebase age when config.json says nothing; the replicator's own defaults too. */
export const DEFAULT_POINT_IN_TIME_HOURS = 48;
export const DEFAULT_REBASE_HOURS = 24;
export const DEFAULT_POINT_IN_TIME_MS = DEFAULT_POINT_IN_TIME_HOURS * HOUR_MS;
export const DEFAULT_REBASE_AFTER_MS = DEFAULT_REBASE_HOURS * HOUR_MS;

export const replicationSchema = z
  .object({
    /** The daemon and the tray app run the replicator as a long-lived job. */
    enabled: z.boolean().default(false),
    /** How often the WAL is read and new commits shipped. */
    intervalMs: z.number().int().min(50).max(60_000).default(1000),
    /**
     * Once everything in the WAL is shipped and it is at least this large, the
     * replicator runs a PASSIVE checkpoint so the WAL restarts from the top.
     * Not smaller: after a checkpoint the writer's next commits overwrite the
     * WAL from the top, and the replicator must read the old frames past its
     * position before they do (else it proves nothing and starts a new
     * generation), so the WAL must hold far more than a moment of commits.
     * The WAL stays within about this plus one interval of commits.
     */
    checkpointBytes: z.number().int().min(64 * 1024).default(8 * MIB),
    /** Replication lag (commit seen -> segment durable) above this raises an alert. */
    lagAlertSeconds: z.number().positive().default(30),
    /**
     * How far back `restore --at` reaches: older generations lose their
     * segments, and `forget` keeps the bases of the generations inside it.
     * 48 h matches tier 1's "every snapshot" window; beyond it the kept
     * snapshots are the restore points.
     */
    pointInTimeHours: z.number().int().min(1).max(24 * 366).default(DEFAULT_POINT_IN_TIME_HOURS),
    /** A new generation (a fresh base image) after this long, so old generations can be dropped. */
    rebaseHours: z.number().int().min(1).max(24 * 366).default(DEFAULT_REBASE_HOURS),
  })
  .strict()
  .refine((r) => r.rebaseHours <= r.pointInTimeHours, {
    // Retention keeps the newest generation that began before the window: with rarer bases,
    // a whole generation of segments older than the window would have to be kept.
    message: 'rebaseHours must not exceed pointInTimeHours: a generation longer than the point-in-time window keeps segments past it',
    path: ['rebaseHours'],
    // Only once both numbers are valid: a bad pointInTimeHours is its own one error.
    when: (payload) => payload.issues.length === 0,
  });

export type ReplicationConfig = z.infer<typeof replicationSchema>;

/** The replication section's spans in milliseconds, as the replicator and forget use them. */
export function replicationSpans(config: ReplicationConfig): { windowMs: number; rebaseAfterMs: number } {
  return { windowMs: config.pointInTimeHours * HOUR_MS, rebaseAfterMs: config.rebaseHours * HOUR_MS };
}
