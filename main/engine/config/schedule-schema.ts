/**
 * The `schedule` section of config.json: when each job runs, on the exchange's
 * clock, and when heavy work must stay out of the way (market hours).
 * Strict: unknown keys and unknown job names are errors, every bad cron
 * expression and every overlapping blackout pair is named.
 */
import { validateDetailed } from 'node-cron';
import { z } from 'zod';
import { isValidTimeZone } from '../schedule/zone-time.ts';

/** The jobs the scheduler knows, in the order `jobs` lists them. */
export const SCHEDULED_JOBS = ['snapshot', 'backup', 'full', 'cloud', 'offsite', 'verify', 'retention', 'drill'] as const;
export type ScheduledJobName = (typeof SCHEDULED_JOBS)[number];

export function isScheduledJobName(name: string): name is ScheduledJobName {
  return (SCHEDULED_JOBS as readonly string[]).includes(name);
}

/** The backup strategy's schedule; retention and the drill sit outside market hours and after the night's uploads. */
export const DEFAULT_CRONS: Record<ScheduledJobName, string> = {
  snapshot: '*/15 * * * *',
  backup: '0 * * * *',
  full: '0 1 * * 0',
  cloud: '0 2 * * *',
  offsite: '0 3 1 * *',
  verify: '0 6 * * *',
  retention: '30 4 * * *',
  drill: '0 5 2 * *',
};

export const WEEKDAY_NAMES = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;
export type WeekdayName = (typeof WEEKDAY_NAMES)[number];

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a 24-hour time HH:MM');

const blackoutSchema = z
  .object({
    name: z.string().min(1, 'must not be empty'),
    days: z.array(z.enum(WEEKDAY_NAMES)).min(1, 'must list at least one day (mon..sun)'),
    start: hhmm,
    end: hhmm,
  })
  .strict()
  .refine((b) => b.start < b.end, { message: 'start must be before end (a window cannot cross midnight: split it in two)', path: ['end'] });

export type Blackout = z.infer<typeof blackoutSchema>;

export const DEFAULT_BLACKOUTS: Blackout[] = [
  { name: 'market hours', days: ['mon', 'tue', 'wed', 'thu', 'fri'], start: '09:30', end: '16:00' },
];

const jobEntrySchema = z
  .object({
    cron: z.string().min(1, 'must not be empty').optional(),
    enabled: z.boolean().optional(),
  })
  .strict();

export interface JobSchedule {
  cron: string;
  enabled: boolean;
}

/** Checks a 5-field cron expression with node-cron; the message names the job, the expression and the field. */
export function cronProblem(job: string, expression: string): string | null {
  const fields = expression.trim().split(/\s+/);
  if (fields.length !== 5) {
    return `job "${job}": cron expression "${expression}" must have 5 fields (minute hour day-of-month month day-of-week), it has ${fields.length}`;
  }
  const result = validateDetailed(expression);
  if (result.valid) return null;
  const detail = result.errors.map((e) => `${e.field} field${e.value !== undefined ? ` "${e.value}"` : ''}: ${e.message}`).join('; ');
  return `job "${job}": invalid cron expression "${expression}" (${detail})`;
}

const toMinutes = (t: string): number => Number(t.slice(0, 2)) * 60 + Number(t.slice(3, 5));

/** Pairs of blackouts sharing a day and some minutes. */
export function overlappingBlackouts(blackouts: readonly Blackout[]): [Blackout, Blackout][] {
  const pairs: [Blackout, Blackout][] = [];
  blackouts.forEach((a, i) => {
    for (const b of blackouts.slice(i + 1)) {
      const sharesDay = a.days.some((d) => b.days.includes(d));
      const sharesTime = toMinutes(a.start) < toMinutes(b.end) && toMinutes(b.start) < toMinutes(a.end);
      if (sharesDay && sharesTime) pairs.push([a, b]);
    }
  });
  return pairs;
}

export const scheduleSchema = z
  .object({
    timezone: z
      .string()
      .default('America/New_York')
      .refine((tz) => isValidTimeZone(tz), { error: (issue) => `unknown time zone "${String(issue.input)}" (use an IANA name such as America/New_York)` }),
    jobs: z
      .record(z.string(), jobEntrySchema)
      .default({})
      .superRefine((jobs, ctx) => {
        for (const [name, entry] of Object.entries(jobs)) {
          if (!isScheduledJobName(name)) {
            ctx.addIssue({ code: 'custom', path: [name], message: `unknown job "${name}" (known jobs: ${SCHEDULED_JOBS.join(', ')})` });
            continue;
          }
          const problem = entry.cron === undefined ? null : cronProblem(name, entry.cron);
          if (problem) ctx.addIssue({ code: 'custom', path: [name, 'cron'], message: problem });
        }
      })
      .transform((jobs) => {
        const out = {} as Record<ScheduledJobName, JobSchedule>;
        for (const name of SCHEDULED_JOBS) {
          const entry = jobs[name];
          out[name] = { cron: entry?.cron?.trim() ?? DEFAULT_CRONS[name], enabled: entry?.enabled ?? true };
        }
        return out;
      }),
    blackouts: z
      .array(blackoutSchema)
      .default(DEFAULT_BLACKOUTS.map((b) => ({ ...b, days: [...b.days] })))
      .superRefine((blackouts, ctx) => {
        const seen = new Set<string>();
        blackouts.forEach((b, i) => {
          if (seen.has(b.name)) ctx.addIssue({ code: 'custom', path: [i, 'name'], message: `two blackouts are named "${b.name}"` });
          seen.add(b.name);
        });
        for (const [a, b] of overlappingBlackouts(blackouts)) {
          ctx.addIssue({ code: 'custom', message: `blackouts "${a.name}" (${a.start}-${a.end}) and "${b.name}" (${b.start}-${b.end}) overlap on ${a.days.filter((d) => b.days.includes(d)).join(', ')}: merge them or change one` });
        }
      }),
    /** Upload cap for the cloud tier while a blackout (market hours) is on; null: no cap. */
    marketHoursUploadKiBps: z.number().int().positive().nullable().default(2048),
    /** nice(1) level for heavy jobs' child processes (0-19; ionice idle class too where available). */
    heavyJobNice: z.number().int().min(0).max(19).default(10),
  })
  .strict();

export type ScheduleConfig = z.infer<typeof scheduleSchema>;
