/**
 * What every CLI command gets: the engine for the chosen home folder and the
 * output streams. Tests call main() with their own streams and environment.
 */
import { createEngine, type Engine } from '../engine/index.ts';
import { passwordFromEnvironment, resolveHomeDir, streamLogger } from '../engine/index.ts';

export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env: NodeJS.ProcessEnv;
  stderrIsTty: boolean;
}

export interface GlobalOptions {
  home?: string;
  verbose?: boolean;
}

export function buildEngine(io: CliIo, globals: GlobalOptions): Engine {
  return createEngine({
    home: resolveHomeDir(globals.home, io.env),
    secrets: passwordFromEnvironment(io.env),
    logger: streamLogger(io.stderr, globals.verbose ? 'info' : 'warn'),
  });
}

export function printJson(io: CliIo, value: unknown): void {
  io.stdout(`${JSON.stringify(value, null, 2)}\n`);
}

export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${unit === 0 ? value : value.toFixed(1)} ${units[unit]}`;
}
