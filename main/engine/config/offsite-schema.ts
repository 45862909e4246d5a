/**
 * The `offsite` section of config.json: how the rotating offsite drives are
 * rotated and detected. The "no offsite copy newer than N days" alert is not
 * here: it is health.destinations.offsiteStaleDays (31), shared with the other
 * destinations' stale rule, so there is one number for it.
 * Strict: unknown keys are errors.
 */
import { z } from 'zod';

export const offsiteSchema = z
  .object({
    /** A new offsite copy is due when the newest copy on any drive is older than this (monthly rotation). */
    rotationDays: z.number().positive().default(30),
    /** A drive still onsite this many days after its copy should be taken to the facility: remind. */
    onsiteReminderDays: z.number().positive().default(3),
    /** Start the offsite copy by itself when an enrolled drive is connected and a copy is due. */
    copyOnConnect: z.boolean().default(true),
    /** How often the mounted volumes are listed to notice a drive being connected. */
    watchIntervalSeconds: z.number().min(1).max(300).default(5),
  })
  .strict();

export type OffsiteConfig = z.infer<typeof offsiteSchema>;
