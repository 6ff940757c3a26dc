// A clock and timer that tests move by hand (no sleeps): advancing runs every timer due on the way,
// in order, and waits for what each one started before going on.
import type { Clock, TimerPort } from '../../electron/core/schedule/scheduler';

interface Pending {
  id: number;
  at: number;
  fn: () => void;
}

export class FakeTime implements Clock, TimerPort {
  private timers: Pending[] = [];
  private nextId = 1;

  constructor(private t: number) {}

  now(): number {
    return this.t;
  }

  set(fn: () => void, ms: number): unknown {
    const id = this.nextId++;
    this.timers.push({ id, at: this.t + ms, fn });
    return id;
  }

  clear(handle: unknown): void {
    this.timers = this.timers.filter((p) => p.id !== handle);
  }

  /** Move to `target`, firing each due timer at its own time; `settle` runs after each (e.g. scheduler.idle). */
  async advanceTo(target: number, settle: () => Promise<void>): Promise<void> {
    for (;;) {
      const due = this.timers.filter((p) => p.at <= target).sort((a, b) => a.at - b.at)[0];
      if (!due) break;
      this.timers = this.timers.filter((p) => p !== due);
      this.t = Math.max(this.t, due.at);
      due.fn();
      await settle();
    }
    this.t = target;
  }

  /** Jump without firing anything (the computer was off). */
  jumpTo(target: number): void {
    this.timers = [];
    this.t = target;
  }
}
