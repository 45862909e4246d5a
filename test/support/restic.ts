/** Runs Debian's restic, the independent reader of every repository we write. */
import { spawnSync } from 'node:child_process';

export interface ResticResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function restic(repo: string, password: string, args: string[]): ResticResult {
  const r = spawnSync('restic', ['-r', repo, '--no-cache', ...args], {
    env: { ...process.env, RESTIC_PASSWORD: password, RESTIC_PROGRESS_FPS: '0.01' },
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
    timeout: 600_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Throws with restic's own output when it does not exit 0. */
export function resticOk(repo: string, password: string, args: string[]): string {
  const r = restic(repo, password, args);
  if (r.code !== 0) throw new Error(`restic ${args.join(' ')} exited ${r.code}\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}
