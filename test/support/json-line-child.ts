/**
 * The protocol of the helper processes in test/support (trading writers, the
 * WAL checkpointer): the child prints one JSON line once it is working, and on
 * SIGTERM one JSON line of results before it exits. Both sides live here so
 * the parent and the child cannot drift apart.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';

export interface JsonLineChild<Result> {
  child: ChildProcess;
  /** Sends SIGTERM and resolves with the child's result line once it has exited. */
  stop(): Promise<Result>;
}

/**
 * Spawns `node --import tsx <script> ...args` and waits for its ready line. A
 * child that exits before a line it owes rejects (named by `name`), instead of
 * leaving the test waiting.
 */
export async function startJsonLineChild<Result>(script: string, args: string[], name: string): Promise<JsonLineChild<Result>> {
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout! });
  const queued: unknown[] = [];
  const waiters: ((m: unknown) => void)[] = [];
  lines.on('line', (line) => {
    const msg: unknown = JSON.parse(line);
    const waiter = waiters.shift();
    if (waiter) waiter(msg);
    else queued.push(msg);
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const next = () =>
    new Promise<unknown>((resolve, reject) => {
      if (queued.length > 0) return resolve(queued.shift());
      waiters.push(resolve);
      void exited.then((code) => reject(new Error(`${name} exited with code ${code}`)));
    });
  await next();
  return {
    child,
    async stop() {
      const result = next();
      child.kill('SIGTERM');
      const value = (await result) as Result;
      await exited;
      return value;
    },
  };
}

/**
 * The child's side: prints the ready line now, and on SIGTERM the line
 * `finish()` returns (it stops the work first), then exits once it is written.
 */
export function serveJsonLines(finish: () => object): void {
  process.on('SIGTERM', () => {
    process.stdout.write(`${JSON.stringify(finish())}\n`, () => process.exit(0));
  });
  process.stdout.write(`${JSON.stringify({ ready: true })}\n`);
}
