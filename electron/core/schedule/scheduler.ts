// The scheduler: core logic with an injected clock and timer, so tests drive time themselves. On each
// tick it takes, for every enabled task, the latest planned slot; a slot not handled yet is claimed in
// the history database (once, even across processes) and fired. A slot found at start that is more
// than a few minutes old was missed (the app was closed or the computer off): it runs now, once, and
// says so. The timer never sleeps longer than a minute, so a clock change or a wake from sleep is
// noticed quickly.
import { toUserErrorData } from '../../../shared/errors';
import type { TaskOutcome, Timing } from '../../../shared/api/schedule';
import type { ScopedLog } from '../log';
import type { ScheduleState } from './state';
import { latestSlot, nextSlot } from './times';

export interface Clock {
  now(): number;
}

export interface TimerPort {
  set(fn: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

export const systemClock: Clock = { now: () => Date.now() };
export const systemTimer: TimerPort = {
  set(fn, ms) {
    const t = setTimeout(fn, ms);
    t.unref(); // schedules never keep a finished command alive; the app and the server live anyway
    return t;
  },
  clear(handle) {
    clearTimeout(handle as NodeJS.Timeout);
  },
};

export interface FireInfo {
  task: string;
  slot: string;
  dueAt: number;
  missed: boolean;
}

export interface FireResult {
  outcome: TaskOutcome;
  opId: string | null;
  message: string;
  /** Settles when everything the run started has finished (the job, a prune after it). */
  done?: Promise<unknown>;
}

export interface ScheduledTask {
  /** Stable name: "backup:<profile>", "maintenance". */
  key: string;
  timing: Pick<Timing, 'enabled' | 'frequency' | 'time' | 'weekday' | 'monthDay'>;
  /** Since when the task is planned, the first time the scheduler sees it (e.g. the connection's creation). */
  plannedSince: number;
  fire(info: FireInfo): FireResult | Promise<FireResult>;
}

export interface SchedulerOptions {
  clock: Clock;
  timer: TimerPort;
  timeZone: string;
  tasks: () => ScheduledTask[];
  state: ScheduleState;
  log: ScopedLog;
  /** A slot this late when it is found is reported as missed (default 5 minutes). */
  graceMs?: number;
  /** The longest the timer sleeps (default 1 minute). */
  maxSleepMs?: number;
  /** Runs after each tick (the "no backup for N hours" check). */
  afterTick?: (now: number) => void | Promise<void>;
}

export class Scheduler {
  private handle: unknown = null;
  private running = false;
  private ticking: Promise<void> = Promise.resolve();
  private readonly pending = new Set<Promise<unknown>>();

  constructor(private readonly options: SchedulerOptions) {}

  get isRunning(): boolean {
    return this.running;
  }

  get timeZone(): string {
    return this.options.timeZone;
  }

  /** Start: catch up on missed slots at once, then wake for each due one. */
  start(): Promise<void> {
    if (this.running) return this.ticking;
    this.running = true;
    this.options.log.info(`scheduler started (time zone ${this.options.timeZone})`);
    return this.tick();
  }

  stop(): void {
    this.running = false;
    if (this.handle !== null) this.options.timer.clear(this.handle);
    this.handle = null;
  }

  /** Check now (also after a schedule changed). Ticks never overlap: each waits for the one before. */
  tick(): Promise<void> {
    this.ticking = this.ticking.then(() => this.runTick()).catch((err: unknown) => this.options.log.error('scheduler tick failed', err));
    return this.ticking;
  }

  /** Resolves when the current tick and everything its runs started have finished (tests, shutdown). */
  async idle(): Promise<void> {
    await this.ticking;
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }

  /** When the task next runs, by this scheduler's clock and zone. */
  nextRunAt(timing: ScheduledTask['timing']): number | null {
    if (!timing.enabled) return null;
    return nextSlot(timing, this.options.clock.now(), this.options.timeZone)?.dueAt ?? null;
  }

  private async runTick(): Promise<void> {
    const now = this.options.clock.now();
    try {
      await this.fireDue(now);
      await this.options.afterTick?.(now);
    } finally {
      // Whatever went wrong this time (a damaged settings file), the next check still comes.
      this.arm(now);
    }
  }

  private async fireDue(now: number): Promise<void> {
    const { timeZone, state, log } = this.options;
    const grace = this.options.graceMs ?? 5 * 60_000;
    for (const task of this.options.tasks()) {
      if (!task.timing.enabled) continue;
      const slot = latestSlot(task.timing, now, timeZone);
      if (!slot) continue;
      const since = state.since(task.key, task.plannedSince);
      if (slot.dueAt <= since) continue;
      const missed = now - slot.dueAt > grace;
      if (!state.claim(task.key, { slot: slot.id, dueAt: slot.dueAt, startedAt: now, missed })) continue;
      let result: FireResult;
      try {
        result = await task.fire({ task: task.key, slot: slot.id, dueAt: slot.dueAt, missed });
      } catch (err) {
        log.error(`scheduled ${task.key} could not start`, err);
        const data = toUserErrorData(err);
        result = { outcome: 'error', opId: null, message: `${data.message} ${data.hint}` };
      }
      state.settle(task.key, result.outcome, result.opId, result.message);
      log.info(`scheduled ${task.key} for ${slot.id}${missed ? ' (missed, run late)' : ''}: ${result.outcome}${result.opId ? ` job ${result.opId}` : ''}`);
      if (result.done) this.track(result.done);
    }
  }

  private track(done: Promise<unknown>): void {
    const settled = done.catch((err: unknown) => this.options.log.error('scheduled run failed', err)).finally(() => this.pending.delete(settled));
    this.pending.add(settled);
  }

  private arm(now: number): void {
    if (!this.running) return;
    if (this.handle !== null) this.options.timer.clear(this.handle);
    const maxSleep = this.options.maxSleepMs ?? 60_000;
    let next = Infinity;
    try {
      next = Math.min(...this.options.tasks().map((t) => this.nextRunAt(t.timing) ?? Infinity));
    } catch {
      // reported by the tick; try again after the usual nap
    }
    const wait = Math.max(1000, Math.min(maxSleep, next - now));
    this.handle = this.options.timer.set(() => {
      this.handle = null;
      void this.tick();
    }, wait);
  }
}
