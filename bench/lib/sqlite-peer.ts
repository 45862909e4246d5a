/**
 * The sqlite3 CLI's `.backup`, the tool an administrator would reach for.
 * It copies in steps and restarts whenever another connection commits, so
 * under a busy writer it may never finish: the caller passes a timeout.
 */
import { rm } from 'node:fs/promises';
import { runToolOk } from './run-tool.ts';
import type { ToolRun } from './run-tool.ts';

export async function sqliteBackup(dbPath: string, outPath: string, timeoutMs: number): Promise<ToolRun> {
  try {
    // The target name is quoted for the shell's dot-command parser; bench temp paths hold no quotes.
    return await runToolOk('sqlite3', [dbPath, `.backup '${outPath}'`], { timeoutMs });
  } finally {
    // Only the time matters here; the copy itself would just fill the disk.
    await rm(outPath, { force: true });
  }
}
