/**
 * The app's log: electron-log writing <home>/logs/app.log, rotated at 5 MiB
 * with five old generations kept, plus an adapter that gives the engine its
 * injected Logger. The engine never imports electron-log itself.
 */
import { existsSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import log from 'electron-log/main';
import type { Logger } from '../engine/index.ts';

const MAX_LOG_BYTES = 5 * 1024 * 1024;
const KEEP_GENERATIONS = 5;

export interface AppLog {
  /** The engine's logger: every engine message goes to the same file. */
  engineLogger: Logger;
  file: string;
  dir: string;
}

export function setUpLogging(logsDir: string, level: 'debug' | 'info' = 'info'): AppLog {
  const file = join(logsDir, 'app.log');
  log.transports.file.resolvePathFn = () => file;
  log.transports.file.maxSize = MAX_LOG_BYTES;
  log.transports.file.level = level;
  // electron-log keeps only one old file by default; a backup problem is often noticed days later.
  log.transports.file.archiveLogFn = (old) => rotate(old.path);
  log.transports.console.level = process.env.QUANTAI_BACKUP_DEBUG ? 'debug' : false;
  log.errorHandler.startCatching({ showDialog: false });
  return {
    file,
    dir: logsDir,
    engineLogger: {
      log(lvl, message, fields) {
        if (fields && Object.keys(fields).length > 0) log[lvl](`[engine] ${message}`, fields);
        else log[lvl](`[engine] ${message}`);
      },
    },
  };
}

/** app.log -> app.1.log -> ... -> app.5.log; the oldest is dropped. */
export function rotate(path: string, keep = KEEP_GENERATIONS): void {
  const base = path.replace(/\.log$/, '');
  rmSync(`${base}.${keep}.log`, { force: true });
  for (let i = keep - 1; i >= 1; i--) {
    if (existsSync(`${base}.${i}.log`)) renameSync(`${base}.${i}.log`, `${base}.${i + 1}.log`);
  }
  renameSync(path, `${base}.1.log`);
}

/** The shell's own messages. */
export const shellLog = {
  info: (message: string, ...rest: unknown[]) => log.info(message, ...rest),
  warn: (message: string, ...rest: unknown[]) => log.warn(message, ...rest),
  error: (message: string, ...rest: unknown[]) => log.error(message, ...rest),
};
