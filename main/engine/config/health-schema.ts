/**
 * The `health` section of config.json: recovery-point objectives per tier and
 * the thresholds of the alert rules. Defaults follow the backup strategy.
 * Strict: unknown keys are errors.
 * Use .prefault({}) (not .default) on nested objects so zod 4 fills inner defaults.
 */
import { z } from 'zod';

const GIB = 1024 ** 3;

const minutes = z.number().positive();
const percent = z.number().min(0).max(100);

/**
 * A tier's objective: back up every `rpoMinutes`; alert (with `severity`) when
 * the newest backup is older than `alertAfterMinutes`. The alert threshold sits
 * above the RPO so one slow run does not page anyone.
 */
function tierSchema(rpoMinutes: number, alertAfterMinutes: number, severity: 'warning' | 'critical') {
  return z
    .object({
      rpoMinutes: minutes.default(rpoMinutes),
      alertAfterMinutes: minutes.default(alertAfterMinutes),
      severity: z.enum(['warning', 'critical']).default(severity),
    })
    .strict()
    .refine((t) => t.alertAfterMinutes >= t.rpoMinutes, {
      message: 'alertAfterMinutes must not be smaller than rpoMinutes',
      path: ['alertAfterMinutes'],
    });
}

export const healthSchema = z
  .object({
    tiers: z
      .object({
        // Tier 1 (the trading database): 15-minute snapshots; "no backup in the last hour" is critical.
        tier1: tierSchema(15, 60, 'critical').prefault({}),
        // Tier 2: hourly; two missed runs are worth a warning.
        tier2: tierSchema(60, 120, 'warning').prefault({}),
        // Tier 3: daily, with the same two hours of slack the cloud rule uses.
        tier3: tierSchema(24 * 60, 26 * 60, 'warning').prefault({}),
      })
      .strict()
      .prefault({}),
    /** Fewer tier-1 (database) snapshots than this in the last 24 hours is a warning. */
    minBackupsPerDay: z.number().int().min(0).default(20),
    /** A snapshot whose size differs from the previous one of the same source by more than this is a warning. */
    sizeChangePercent: z.number().positive().default(50),
    destinations: z
      .object({
        cloudStaleHours: z.number().positive().default(26),
        offsiteStaleDays: z.number().positive().default(31),
      })
      .strict()
      .prefault({}),
    freeSpace: z
      .object({
        /** Warning when less than this share of the destination is free... */
        warningPercent: percent.default(10),
        /** ...or less than this many bytes. */
        warningBytes: z.number().int().min(0).default(5 * GIB),
        /** Critical when less than this share is free. */
        criticalPercent: percent.default(2),
      })
      .strict()
      .refine((f) => f.criticalPercent <= f.warningPercent, {
        message: 'criticalPercent must not be larger than warningPercent',
        path: ['criticalPercent'],
      })
      .prefault({}),
  })
  .strict();

export type HealthConfig = z.infer<typeof healthSchema>;
export type TierObjective = HealthConfig['tiers']['tier1'];
