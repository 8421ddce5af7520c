import type { Clock, Timer } from "../server/core/index.js";

interface Pending {
  at: number;
  seq: number;
  fn: () => void;
  cancelled: boolean;
}

/**
 * The simulator's clock: time moves only when the simulation steps it, from
 * one due timer to the next. Unlike the manual clock of unit tests it says
 * when its next timer is due and counts what it is asked to do, so the
 * harness can tell a quiet system (everything waits on a timer) from a busy
 * one (see Sim.settle).
 */
export class VirtualClock implements Clock {
  private current: number;
  private seq = 0;
  private timers: Pending[] = [];
  /** Timers set and fired so far: activity the harness watches for. */
  private events = 0;

  constructor(start: number) {
    this.current = start;
  }

  now(): number {
    return this.current;
  }

  setTimer(ms: number, fn: () => void): Timer {
    const timer: Pending = { at: this.current + Math.max(0, ms), seq: this.seq++, fn, cancelled: false };
    this.timers.push(timer);
    this.events++;
    return { cancel: () => (timer.cancelled = true) };
  }

  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => this.setTimer(ms, resolve));
  }

  /** When the earliest live timer is due, if any. */
  nextAt(): number | undefined {
    this.timers = this.timers.filter((t) => !t.cancelled);
    let next: number | undefined;
    for (const t of this.timers) if (next === undefined || t.at < next) next = t.at;
    return next;
  }

  /** Moves to `at` (never backwards) and fires, in order, every timer due by then. */
  fireUntil(at: number): void {
    this.current = Math.max(this.current, at);
    const due = this.timers.filter((t) => !t.cancelled && t.at <= this.current).sort((a, b) => a.at - b.at || a.seq - b.seq);
    this.timers = this.timers.filter((t) => !t.cancelled && t.at > this.current);
    for (const t of due) {
      this.events++;
      t.fn();
    }
  }

  /** A number that changes whenever a timer is set or fires. */
  activity(): number {
    return this.events;
  }
}
