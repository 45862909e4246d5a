/**
 * Debian's restic as the peer: a repository format version 2 (zstd) repo, and
 * `restic backup` of the database file. restic reads the live file as plain
 * bytes (a copy taken while the writer commits can be torn), so it is a peer
 * for time and repository growth, not for consistency.
 */
import { runToolOk } from './run-tool.ts';
import type { ToolRun } from './run-tool.ts';

export interface ResticRepo {
  path: string;
  password: string;
  cacheDir: string;
}

export interface ResticBackupRun extends ToolRun {
  /** `data_added` from restic's JSON summary (its own count, not the directory growth); NaN if absent. */
  dataAdded: number;
}

function args(repo: ResticRepo, rest: string[]): string[] {
  return ['-r', repo.path, '--cache-dir', repo.cacheDir, ...rest];
}

function env(repo: ResticRepo): NodeJS.ProcessEnv {
  return { RESTIC_PASSWORD: repo.password, RESTIC_PROGRESS_FPS: '0.01' };
}

export async function resticInit(repo: ResticRepo): Promise<void> {
  await runToolOk('restic', args(repo, ['init', '--repository-version', '2']), { env: env(repo) });
}

export async function resticBackup(repo: ResticRepo, dbPath: string, timeoutMs: number): Promise<ResticBackupRun> {
  // A fixed host keeps restic choosing the previous snapshot of this path as its parent.
  const run = await runToolOk('restic', args(repo, ['backup', '--json', '--host', 'bench', dbPath]), { env: env(repo), timeoutMs });
  return { ...run, dataAdded: summaryField(run.stdout, 'data_added') };
}

/** Time of a command that only opens the repository: restic's fixed cost per run (process start, key derivation). */
export async function resticOpenMs(repo: ResticRepo): Promise<number> {
  return (await runToolOk('restic', args(repo, ['cat', 'config']), { env: env(repo) })).ms;
}

export async function resticCheck(repoPath: string, password: string, cacheDir: string): Promise<void> {
  await runToolOk('restic', args({ path: repoPath, password, cacheDir }, ['check']), { env: { RESTIC_PASSWORD: password } });
}

function summaryField(stdout: string, field: string): number {
  for (const line of stdout.split('\n').reverse()) {
    if (!line.includes('"summary"')) continue;
    const parsed = JSON.parse(line) as Record<string, unknown>;
    const value = parsed[field];
    if (parsed.message_type === 'summary' && typeof value === 'number') return value;
  }
  return Number.NaN;
}
