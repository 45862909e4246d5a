/**
 * The long-lived replication job of the daemon and the tray app: the same
 * `quantai-backup replicate` the CLI runs, in a child process, so WAL reading,
 * compression and encryption never run on the host's thread (the Electron
 * main process). Restarted with a growing delay when it exits on its own
 * (each start resumes the generation or says why it starts a new one); on
 * stop it gets SIGTERM, ships what is committed and exits.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import type { Logger } from '../logger.ts';

export interface ReplicationHostOptions {
  /** The CLI entry: [node, script] (the scheduler's child command). */
  command: readonly string[];
  home: string;
  env: NodeJS.ProcessEnv;
  logger: Logger;
  /** How long to wait for the final sync after SIGTERM before SIGKILL. */
  stopGraceMs?: number;
}

export interface HostedReplication {
  stop(): Promise<void>;
}

const MAX_RESTART_DELAY_MS = 60_000;

export function hostReplication(options: ReplicationHostOptions): HostedReplication {
  let child: ChildProcess | null = null;
  let stopping = false;
  let delayMs = 1000;
  let restartTimer: NodeJS.Timeout | null = null;
  let exited: Promise<void> = Promise.resolve();

  const start = () => {
    restartTimer = null;
    const [cmd, ...args] = options.command;
    const startedAt = Date.now();
    const proc = spawn(cmd!, [...args, '--home', options.home, 'replicate'], { env: options.env, stdio: ['ignore', 'ignore', 'pipe'] });
    child = proc;
    proc.stderr?.setEncoding('utf8');
    proc.stderr?.on('data', (chunk: string) => {
      for (const line of chunk.split('\n')) if (line.trim()) options.logger.log('info', `replicate: ${line.trim()}`);
    });
    options.logger.log('info', `real-time replication started (pid ${proc.pid})`);
    exited = new Promise((resolve) => {
      proc.once('exit', (code, signal) => {
        child = null;
        resolve();
        if (stopping) return;
        // A run that lasted a while resets the back-off: this is a new failure, not the same one again.
        if (Date.now() - startedAt > MAX_RESTART_DELAY_MS) delayMs = 1000;
        options.logger.log('warn', `real-time replication exited (${signal ?? `code ${code}`}); restarting in ${Math.round(delayMs / 1000)} s`);
        restartTimer = setTimeout(start, delayMs);
        delayMs = Math.min(delayMs * 2, MAX_RESTART_DELAY_MS);
      });
    });
  };
  start();

  return {
    async stop() {
      stopping = true;
      if (restartTimer) clearTimeout(restartTimer);
      const proc = child;
      if (!proc) return;
      proc.kill('SIGTERM');
      const grace = setTimeout(() => proc.kill('SIGKILL'), options.stopGraceMs ?? 120_000);
      await exited;
      clearTimeout(grace);
      options.logger.log('info', 'real-time replication stopped');
    },
  };
}
