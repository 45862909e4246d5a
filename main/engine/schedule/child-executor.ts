/**
 * Runs each job as a child process, `quantai-backup run <job> --progress-json`:
 * long work stays off the host's main thread (the tray app hosts the
 * scheduler), a crash in a job cannot take the scheduler down, and stopping is
 * a plain SIGTERM that the child turns into an AbortSignal. Heavy jobs run
 * under nice (and ionice's idle class) where those exist.
 */
import { spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { createInterface } from 'node:readline';
import type { ScheduledJobName } from '../config/schedule-schema.ts';
import type { EngineEvents, JobFinished, JobProgress } from '../engine-events.ts';
import type { Logger } from '../logger.ts';
import type { ExecutorOutcome, JobExecutor } from './job-queue.ts';

export interface ChildExecutorOptions {
  /** How to start the CLI: e.g. [process.execPath, '/path/bin/quantai-backup.mjs']. */
  command: readonly [string, ...string[]];
  home: string;
  env: NodeJS.ProcessEnv;
  isHeavy: (job: ScheduledJobName) => boolean;
  heavyNice: number;
  logger: Logger;
  events?: EngineEvents;
  /** After SIGTERM, how long a child may take to stop before it is killed. */
  stopGraceMs?: number;
}

/** One line of `run --progress-json` output. */
export type ProgressLine =
  | ({ event: 'job-progress' } & JobProgress)
  | { event: 'job-started'; job: ScheduledJobName; runId: number }
  | ({ event: 'job-finished' } & JobFinished)
  | { event: 'result'; job: ScheduledJobName; runId: number; result: 'success' | 'warning' | 'skipped'; reason?: string };

export function findExecutable(name: string, path = process.env.PATH ?? ''): string | null {
  for (const dir of path.split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // Not in this PATH entry: keep looking.
      continue;
    }
  }
  return null;
}

/** The argv for a job: low priority wrappers first for heavy jobs. */
export function childArgv(options: Pick<ChildExecutorOptions, 'command' | 'home' | 'isHeavy' | 'heavyNice'>, job: ScheduledJobName,
  find: (name: string) => string | null = findExecutable): string[] {
  const argv = [...options.command, '--home', options.home, 'run', job, '--progress-json'];
  if (!options.isHeavy(job) || process.platform === 'win32') return argv;
  const wrappers: string[] = [];
  const ionice = find('ionice');
  if (ionice) wrappers.push(ionice, '-c3');
  const nice = find('nice');
  if (nice) wrappers.push(nice, '-n', String(options.heavyNice));
  return [...wrappers, ...argv];
}

export function childProcessExecutor(options: ChildExecutorOptions): JobExecutor {
  return (job, signal, onProgress) =>
    new Promise<ExecutorOutcome>((resolve) => {
      const [file, ...args] = childArgv(options, job);
      const child = spawn(file!, args, { env: options.env, stdio: ['ignore', 'pipe', 'pipe'] });
      let result: ProgressLine & { event: 'result' } | null = null;
      let lastError = '';
      let killTimer: NodeJS.Timeout | null = null;

      const onAbort = () => {
        options.logger.log('info', `stopping ${job} (pid ${child.pid}): SIGTERM`);
        child.kill('SIGTERM');
        killTimer = setTimeout(() => {
          options.logger.log('warn', `${job} (pid ${child.pid}) did not stop within ${Math.round((options.stopGraceMs ?? 120_000) / 1000)} s: SIGKILL`);
          child.kill('SIGKILL');
        }, options.stopGraceMs ?? 120_000);
      };
      if (signal.aborted) onAbort();
      else signal.addEventListener('abort', onAbort, { once: true });

      createInterface({ input: child.stdout! }).on('line', (line) => {
        const parsed = parseLine(line);
        if (!parsed) {
          options.logger.log('debug', `${job}: ${line}`);
          return;
        }
        if (parsed.event === 'job-progress') {
          const { event: _event, ...progress } = parsed;
          onProgress(progress);
        } else if (parsed.event === 'job-started') options.events?.emit('job-started', { job: parsed.job, runId: parsed.runId });
        else if (parsed.event === 'job-finished') {
          const { event: _event, ...finished } = parsed;
          options.events?.emit('job-finished', finished);
        } else result = parsed;
      });
      createInterface({ input: child.stderr! }).on('line', (line) => {
        if (line.trim()) lastError = line.replace(/^quantai-backup: error: /, '');
        options.logger.log('debug', `${job} stderr: ${line}`);
      });

      child.on('error', (err) => {
        signal.removeEventListener('abort', onAbort);
        resolve({ result: 'failed', message: `cannot start ${file}: ${err.message}` });
      });
      child.on('close', (code, sig) => {
        signal.removeEventListener('abort', onAbort);
        if (killTimer) clearTimeout(killTimer);
        const r = result as (ProgressLine & { event: 'result' }) | null;
        if (r && code !== 1) {
          resolve({ result: r.result, runId: r.runId, ...(r.reason ? { message: r.reason } : {}) });
        } else if (signal.aborted) {
          resolve({ result: 'cancelled', message: `stopped (${sig ?? `exit ${code}`})${lastError ? `: ${lastError}` : ''}` });
        } else {
          resolve({ result: 'failed', message: lastError || `${job} exited ${sig ?? code}` });
        }
      });
    });
}

function parseLine(line: string): ProgressLine | null {
  if (!line.startsWith('{')) return null;
  try {
    const value = JSON.parse(line) as { event?: unknown };
    return typeof value.event === 'string' ? (value as ProgressLine) : null;
  } catch (err) {
    if (err instanceof SyntaxError) return null;
    throw err;
  }
}
