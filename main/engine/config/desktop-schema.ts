/**
 * The `desktop` section of config.json: settings only the desktop app uses.
 * Strict: unknown keys are errors.
 */
import { z } from 'zod';

export const desktopSchema = z
  .object({
    /** Start the tray app at login: a backup app that is not running does not back up. */
    launchAtLogin: z.boolean().default(true),
  })
  .strict();

export type DesktopConfig = z.infer<typeof desktopSchema>;
