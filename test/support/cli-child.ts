/**
 * The real `quantai-backup` as a child this process does not block on: for
 * kill -9 tests (start it, wait for a point in its work, SIGKILL it) and for
 * runs that must not starve servers living in this process (s3rver, SMTP).
 * Every wait is bounded, and a child still running when its test ends is killed.
 */
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import type { TestContext } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { startCli, type CliEnv, type CliResult } from './cli.ts';

export interface CliChild {
  child: ChildProcess;
  /** Everything the child wrote so far (stdout is always read: a child blocked on a full pipe stops working). */
  stdout(): string;
  stderr(): string;
  /** Resolves with the exit code: null when a signal ended it. */
  exited: Promise<number | null>;
  /** Resolves once the child's output pipes are closed too (then stdout() is complete). */
  closed: Promise<void>;
  /** True until the child exited. */
  running(): boolean;
  /** SIGKILL (a no-op once it exited), then its exit code: null when the kill landed. */
  kill9(): Promise<number | null>;
  /** Waits for the exit, sending SIGKILL after `ms`; `killed` says whether that timer fired. */
  exitWithin(ms: number): Promise<{ code: number | null; killed: boolean }>;
  /**
   * Polls `ready` every `pollMs` until it holds; fails with `timeoutMessage` after `limitMs`, or with
   * `exitedMessage` once the child ended first, each followed by the tail of the child's stderr.
   */
  waitUntil(ready: () => boolean | Promise<boolean>, opts: { limitMs: number; pollMs: number; timeoutMessage: string; exitedMessage: string }): Promise<void>;
}

export function startCliChild(t: TestContext, args: string[], env: CliEnv): CliChild {
  const child = startCli(args, env);
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d: Buffer) => { stdout += d.toString(); });
  child.stderr?.on('data', (d: Buffer) => { stderr += d.toString(); });
  let running = true;
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => {
    running = false;
    resolve(code);
  }));
  // 'close' comes after the output pipes are drained, which 'exit' does not wait for.
  const closed = new Promise<void>((resolve) => child.once('close', () => resolve()));
  t.after(() => { if (running) child.kill('SIGKILL'); });
  const tail = () => stderr.trim().slice(-500);
  return {
    child,
    stdout: () => stdout,
    stderr: () => stderr,
    exited,
    closed,
    running: () => running,
    async kill9() {
      child.kill('SIGKILL');
      return exited;
    },
    async exitWithin(ms) {
      let killed = false;
      const timer = setTimeout(() => {
        killed = true;
        child.kill('SIGKILL');
      }, ms);
      const code = await exited;
      clearTimeout(timer);
      return { code, killed };
    },
    async waitUntil(ready, opts) {
      const deadline = Date.now() + opts.limitMs;
      while (!(await ready())) {
        assert.ok(Date.now() < deadline, `${opts.timeoutMessage}: ${tail()}`);
        assert.ok(running, `${opts.exitedMessage}: ${tail()}`);
        await sleep(opts.pollMs);
      }
    },
  };
}

/** Runs the CLI to its end without blocking this process; a child still running after `limitMs` is killed and fails the test. */
export async function runCliAsync(t: TestContext, args: string[], env: CliEnv, limitMs: number): Promise<CliResult> {
  const run = startCliChild(t, args, env);
  const { code, killed } = await run.exitWithin(limitMs);
  assert.ok(!killed, `quantai-backup ${args.join(' ')} was still running after ${limitMs / 1000} s: ${run.stderr().trim().slice(-500)}`);
  // The last of a long --json report may still be in the pipe at 'exit'. Bounded: a grandchild that
  // inherited the pipe would hold it open.
  await Promise.race([run.closed, sleep(5000)]);
  return { code, stdout: run.stdout(), stderr: run.stderr() };
}
