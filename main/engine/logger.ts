/**
 * The engine's logger, injected by its host (electron-log in the shell, stderr
 * in the CLI). Messages must never contain secrets; fields are plain data.
 */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface Logger {
  log(level: LogLevel, message: string, fields?: Record<string, unknown>): void;
}

export const silentLogger: Logger = { log: () => undefined };

export function streamLogger(write: (line: string) => void, minLevel: LogLevel = 'info'): Logger {
  const order: LogLevel[] = ['debug', 'info', 'warn', 'error'];
  return {
    log(level, message, fields) {
      if (order.indexOf(level) < order.indexOf(minLevel)) return;
      const suffix = fields && Object.keys(fields).length > 0 ? ` ${JSON.stringify(fields)}` : '';
      write(`${new Date().toISOString()} ${level.toUpperCase()} ${message}${suffix}\n`);
    },
  };
}
