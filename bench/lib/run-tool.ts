/**
 * Runs a peer tool (restic, sqlite3) as a child process and times it from spawn
 * to exit. Asynchronous so the writer child keeps being served meanwhile, with
 * a timeout because a paged SQLite backup can be restarted forever by commits.
 */
import { spawn } from 'node:child_process';
import { BackupError } from '../../main/engine/errors.ts';

export interface ToolRun {
  ms: number;
  code: number | null;
  timedOut: boolean;
  stdout: string;
  stderr: string;
}

export interface RunToolOptions {
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number;
}

export function runTool(command: string, args: readonly string[], options: RunToolOptions = {}): Promise<ToolRun> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(command, args, { env: { ...process.env, ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    const timer =
      options.timeoutMs === undefined
        ? undefined
        : setTimeout(() => {
            timedOut = true;
            child.kill('SIGKILL');
          }, options.timeoutMs);
    child.once('error', (err) => {
      clearTimeout(timer);
      reject(new BackupError('fatal', `could not run ${command}: ${err.message} (is it installed?)`, { cause: err }));
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ ms: performance.now() - started, code, timedOut, stdout, stderr });
    });
  });
}

/** Like runTool, but a non-zero exit (other than a timeout) is an error carrying the tool's output. */
export async function runToolOk(command: string, args: readonly string[], options: RunToolOptions = {}): Promise<ToolRun> {
  const run = await runTool(command, args, options);
  if (!run.timedOut && run.code !== 0) {
    throw new BackupError('permanent', `${command} ${args.join(' ')} exited ${run.code}\n${run.stdout.slice(-2000)}\n${run.stderr.slice(-2000)}`);
  }
  return run;
}
