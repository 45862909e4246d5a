/**
 * Runs the real `quantai-backup` entry point (bin/quantai-backup.mjs) as a child
 * process, the way a user or a monitoring script does.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const CLI_ENTRY = fileURLToPath(new URL('../../bin/quantai-backup.mjs', import.meta.url));

export interface CliEnv {
  home: string;
  password?: string;
  extraEnv?: Record<string, string>;
  /** Run as this uid/gid (through setpriv) to test what a non-root user cannot read. */
  asUser?: { uid: number; gid: number };
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

function childEnv(env: CliEnv): NodeJS.ProcessEnv {
  const e: NodeJS.ProcessEnv = { ...process.env, QUANTAI_BACKUP_HOME: env.home, ...env.extraEnv };
  delete e.QUANTAI_BACKUP_PASSWORD;
  delete e.QUANTAI_BACKUP_PASSWORD_FILE;
  if (env.password !== undefined) e.QUANTAI_BACKUP_PASSWORD = env.password;
  // Node's test runner sets this for children; the CLI is not a test.
  delete e.NODE_TEST_CONTEXT;
  return e;
}

function command(args: string[], env: CliEnv): [string, string[]] {
  if (env.asUser) {
    return ['setpriv', [`--reuid=${env.asUser.uid}`, `--regid=${env.asUser.gid}`, '--clear-groups', process.execPath, CLI_ENTRY, ...args]];
  }
  return [process.execPath, [CLI_ENTRY, ...args]];
}

export function runCli(args: string[], env: CliEnv): CliResult {
  const [cmd, argv] = command(args, env);
  const r = spawnSync(cmd, argv, { env: childEnv(env), encoding: 'utf8', timeout: 300_000, cwd: REPO_ROOT });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

export function startCli(args: string[], env: CliEnv): ChildProcess {
  const [cmd, argv] = command(args, env);
  return spawn(cmd, argv, { env: childEnv(env), stdio: ['ignore', 'pipe', 'pipe'], cwd: REPO_ROOT });
}

/** Parses the stdout of a `--json` command, with the output in the message when it is not JSON. */
export function parseJsonOutput<T>(r: CliResult): T {
  try {
    return JSON.parse(r.stdout) as T;
  } catch {
    throw new Error(`not JSON (exit ${r.code}):\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
  }
}
