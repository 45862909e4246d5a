/**
 * The `replication` section of config.json: real-time WAL shipping of the
 * trading database (issue 9). Off by default: it keeps a read transaction on
 * the live database open and needs the database to be in WAL mode.
 * Strict: unknown keys are errors.
 */
import { z } from 'zod';

const MIB = 1024 * 1024;

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
  })
  .strict();

export type ReplicationConfig = z.infer<typeof replicationSchema>;
