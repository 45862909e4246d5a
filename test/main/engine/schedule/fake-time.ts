/**
 * A clock and a timer the test moves by hand: hours of schedule run in
 * milliseconds. advance() fires timers in order as time passes; sleep() jumps
 * the clock without firing anything first, as a laptop lid does.
 */
import type { Clock } from '../../../../main/engine/clock.ts';
import type { SchedulerTimer } from '../../../../main/engine/schedule/scheduler-timer.ts';

interface Pending {
  id: number;
  at: number;
  fn: () => void;
}

export class FakeTime implements Clock, SchedulerTimer {
  private t: number;
  private pending: Pending[] = [];
  private seq = 0;

  constructor(start: Date | string) {
    this.t = new Date(start).getTime();
  }

  now(): Date {
    return new Date(this.t);
  }

  set(fn: () => void, ms: number): unknown {
    const id = ++this.seq;
    this.pending.push({ id, at: this.t + Math.max(0, ms), fn });
    return id;
  }

  clear(handle: unknown): void {
    this.pending = this.pending.filter((p) => p.id !== handle);
  }

  /** Moves time forward by ms, firing each timer at its own time and letting promises settle after each. */
  async advance(ms: number): Promise<void> {
    const target = this.t + ms;
    for (;;) {
      await settle();
      const next = this.pending.filter((p) => p.at <= target).sort((a, b) => a.at - b.at || a.id - b.id)[0];
      if (!next) break;
      this.pending = this.pending.filter((p) => p !== next);
      this.t = Math.max(this.t, next.at);
      next.fn();
    }
    this.t = target;
    await settle();
  }

  async advanceTo(iso: string): Promise<void> {
    await this.advance(new Date(iso).getTime() - this.t);
  }

  /** The machine sleeps for ms: nothing fires during it; the overdue timer fires once on wake. */
  async sleep(ms: number): Promise<void> {
    this.t += ms;
    await this.advance(0);
  }
}

/** Lets pending promise callbacks and immediates run. */
export async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
}
