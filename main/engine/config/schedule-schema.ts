/**
 * The `schedule` section of config.json. Strict: unknown keys are errors.
 * Use .prefault({}) (not .default) on nested objects so zod 4 fills inner defaults.
 */
import { z } from 'zod';

export const scheduleSchema = z.object({}).strict();

export type ScheduleConfig = z.infer<typeof scheduleSchema>;
