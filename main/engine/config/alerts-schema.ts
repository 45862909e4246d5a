/**
 * The `alerts` section of config.json. Strict: unknown keys are errors.
 * Use .prefault({}) (not .default) on nested objects so zod 4 fills inner defaults.
 */
import { z } from 'zod';

export const alertsSchema = z.object({}).strict();

export type AlertsConfig = z.infer<typeof alertsSchema>;
