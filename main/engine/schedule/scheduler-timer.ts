/**
 * The scheduler's only way to wait, injected so tests advance time without
 * sleeping; the real one is setTimeout.
 */
export interface SchedulerTimer {
  set(callback: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

export const realTimer: SchedulerTimer = {
  set: (callback, ms) => setTimeout(callback, Math.max(0, ms)),
  clear: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

/** Whether the machine is online; jobs that need the network wait for it with backoff. */
export interface NetworkProbe {
  isOnline(): boolean | Promise<boolean>;
}
