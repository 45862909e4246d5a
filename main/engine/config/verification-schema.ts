/**
 * The `verification` section of config.json: how the verification ladder and
 * the restore drills run. Strict: unknown keys are errors.
 * Use .prefault({}) (not .default) on nested objects so zod 4 fills inner defaults.
 */
import { z } from 'zod';

const minutes = z.number().positive().max(7 * 24 * 60);

/** Recovery-time objectives of the backup strategy, in minutes per tier. */
const rtoSchema = z
  .object({
    tier1Minutes: minutes.default(15),
    tier2Minutes: minutes.default(60),
    tier3Minutes: minutes.default(240),
  })
  .strict();

const drillSchema = z
  .object({
    /** Files restored from the latest file snapshot besides its largest file. */
    sampleFiles: z.number().int().min(0).max(10_000).default(20),
  })
  .strict();

export const verificationSchema = z
  .object({
    /** The daily verification reads a rotating share of the packs so that every pack is read within this many days. */
    readAllWithinDays: z.number().int().min(1).max(3650).default(30),
    rto: rtoSchema.prefault({}),
    drill: drillSchema.prefault({}),
  })
  .strict();

export type VerificationConfig = z.infer<typeof verificationSchema>;

/** The recovery-time objective of a tier in milliseconds (tiers outside 1-3 get tier 3's). */
export function rtoMs(config: VerificationConfig, tier: number): number {
  const minutesFor = tier === 1 ? config.rto.tier1Minutes : tier === 2 ? config.rto.tier2Minutes : config.rto.tier3Minutes;
  return Math.round(minutesFor * 60_000);
}
