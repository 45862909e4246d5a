/**
 * The `verification` section of config.json. Strict: unknown keys are errors.
 * Use .prefault({}) (not .default) on nested objects so zod 4 fills inner defaults.
 */
import { z } from 'zod';

export const verificationSchema = z.object({}).strict();

export type VerificationConfig = z.infer<typeof verificationSchema>;
