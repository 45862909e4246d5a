/**
 * The `retention` section of config.json: data classes (which snapshots hold
 * what kind of record), how long each must be kept, and how its snapshots are
 * thinned (restic forget style: keepLast, keepWithin and time-windowed GFS).
 *
 * Built-in classes follow the backup strategy (see retention/data-classes.ts);
 * `classes` adds classes of your own (e.g. financial statements or system logs
 * matched by path) or replaces a built-in one by using its name.
 * Strict: an unknown key is an error, and a class whose policy would let a
 * snapshot go before its retention period ends is refused.
 */
import { isAbsolute } from 'node:path';
import { z } from 'zod';
import { approximateDays, formatDuration, parseDuration, type Duration } from '../retention/duration.ts';

const durationText = z
  .string()
  .refine((s) => parseDuration(s) !== null, { error: (issue) => `"${String(issue.input)}" is not a duration: use a number and a unit y, m, d or h, such as 48h, 30d, 1y or 1y6m` });

const count = z.number().int().min(1);

/** The keep rules of one class; names follow restic's forget flags (keep-within-monthly = keepWithinMonthly). */
export const policySchema = z
  .object({
    /** The newest N snapshots. */
    keepLast: count.optional(),
    /** The last snapshot of each of the newest N hours / days / ISO weeks / months / years that have one. */
    keepHourly: count.optional(),
    keepDaily: count.optional(),
    keepWeekly: count.optional(),
    keepMonthly: count.optional(),
    keepYearly: count.optional(),
    /** Every snapshot newer than this (measured back from the group's newest snapshot, or now if earlier). */
    keepWithin: durationText.optional(),
    /** The last snapshot of each hour / day / ... inside this window. */
    keepWithinHourly: durationText.optional(),
    keepWithinDaily: durationText.optional(),
    keepWithinWeekly: durationText.optional(),
    keepWithinMonthly: durationText.optional(),
    keepWithinYearly: durationText.optional(),
  })
  .strict()
  .refine((p) => Object.values(p).some((v) => v !== undefined), {
    message: 'a policy needs at least one keep rule (keepWithin, keepWithinHourly, ..., keepLast); an empty policy would forget everything but the newest snapshot',
  });

export type RetentionPolicy = z.infer<typeof policySchema>;

const WITHIN_RULES = ['keepWithin', 'keepWithinHourly', 'keepWithinDaily', 'keepWithinWeekly', 'keepWithinMonthly', 'keepWithinYearly'] as const;

/** The longest keepWithin* window of a policy (count rules promise no time span, so they do not count). */
export function longestWindow(policy: RetentionPolicy): Duration | null {
  let best: Duration | null = null;
  for (const rule of WITHIN_RULES) {
    const text = policy[rule];
    const d = text === undefined ? null : parseDuration(text);
    if (d && (best === null || approximateDays(d) > approximateDays(best))) best = d;
  }
  return best;
}

export const matchSchema = z
  .object({
    /** 'sqlite': trading-database snapshots; 'files': file backups. */
    kind: z.enum(['sqlite', 'files']).optional(),
    /** The snapshot's tier tag (tier:N). */
    tiers: z.array(z.union([z.literal(1), z.literal(2), z.literal(3)])).min(1).optional(),
    /** Absolute folders: matches a snapshot that backs up one of them or something inside one. */
    paths: z.array(z.string().refine((p) => isAbsolute(p), 'must be an absolute path')).min(1).optional(),
  })
  .strict()
  .refine((m) => m.kind !== undefined || m.tiers !== undefined || m.paths !== undefined, {
    message: 'a match needs at least one of kind, tiers or paths',
  });

export type SnapshotMatch = z.infer<typeof matchSchema>;

export const classSchema = z
  .object({
    name: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'must be lowercase letters, digits and dashes (e.g. financial-statements)'),
    description: z.string().default(''),
    /** How long the records must exist (the legal period): 7y, 2y, 30d. */
    retention: durationText,
    /** Which snapshots belong to the class: any one of these matches (all criteria inside one must hold). */
    match: z.array(matchSchema).min(1, 'must list at least one match'),
    policy: policySchema,
  })
  .strict()
  .superRefine((c, ctx) => {
    const retention = parseDuration(c.retention);
    const window = longestWindow(c.policy);
    if (!retention) return;
    // A policy shorter than the legal period would forget records that must be kept: refuse it here, not in an audit.
    if (window === null || approximateDays(window) + 1e-9 < approximateDays(retention)) {
      ctx.addIssue({
        code: 'custom', path: ['policy'],
        message: `class "${c.name}" must keep records for ${c.retention} but its longest keepWithin* window is ${window ? formatDuration(window) : 'none'}: add e.g. keepWithinMonthly: "${c.retention}" or shorten retention`,
      });
    }
  });

export type DataClassConfig = z.infer<typeof classSchema>;

export const retentionSchema = z
  .object({
    /** Your own classes; one named like a built-in class replaces it. */
    classes: z
      .array(classSchema)
      .default([])
      .superRefine((classes, ctx) => {
        const seen = new Set<string>();
        classes.forEach((c, i) => {
          if (seen.has(c.name)) ctx.addIssue({ code: 'custom', path: [i, 'name'], message: `two classes are named "${c.name}"` });
          seen.add(c.name);
        });
      }),
    /** The strategy's classes (trade-records 7y, important-files 2y, temporary-files 30d); false: only `classes`. */
    builtInClasses: z.boolean().default(true),
    /** Safety brake: one forget run may remove at most this share of the repository's snapshots unless forced. */
    maxForgetShare: z.number().gt(0).max(1).default(0.5),
  })
  .strict();

export type RetentionConfig = z.infer<typeof retentionSchema>;
