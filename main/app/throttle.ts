/**
 * Coalesces pokes into at most one call per interval and never two at once:
 * a backup's progress fires many times a second, the dashboard wants a few
 * state updates a second.
 */
export interface Throttled {
  poke(): void;
  /** Stops further calls and waits for the one under way. */
  close(): Promise<void>;
}

export function throttle(call: () => Promise<void>, intervalMs: number): Throttled {
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<void> | null = null;
  let pending = false;
  let lastStart = 0;
  let closed = false;

  const fire = (): void => {
    timer = null;
    if (closed) return;
    if (running) {
      pending = true;
      return;
    }
    pending = false;
    lastStart = Date.now();
    running = call().finally(() => {
      running = null;
      if (pending) schedule();
    });
  };
  const schedule = (): void => {
    if (closed || timer) return;
    timer = setTimeout(fire, Math.max(0, lastStart + intervalMs - Date.now()));
  };
  return {
    poke: schedule,
    close: async () => {
      closed = true;
      if (timer) clearTimeout(timer);
      timer = null;
      await running;
    },
  };
}
