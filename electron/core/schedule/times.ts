// Wall-clock schedules in a time zone. A scheduled run belongs to a local calendar date (its "slot"):
// "every day at 02:30" means one run per local date, so the day clocks go back (02:30 happens twice)
// never runs twice, and the day they go forward (02:30 does not exist) runs once, when the gap ends.
// A cron library answers instants, not dates, which is why this small piece is written here.
import type { Timing } from '../../../shared/api/schedule';

export interface Slot {
  /** The local date this run belongs to, YYYY-MM-DD: the key that makes each run happen once. */
  id: string;
  /** The instant it is due (ms since the epoch). */
  dueAt: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' });
    formatters.set(timeZone, f);
  }
  return f;
}

export function systemTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

/** The local wall-clock time of `t` in `timeZone`, written as if it were UTC (ms, minute precision kept). */
export function wallClock(t: number, timeZone: string): number {
  const parts = Object.fromEntries(formatter(timeZone).formatToParts(new Date(t)).map((p) => [p.type, p.value]));
  return Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day), Number(parts.hour), Number(parts.minute), Number(parts.second));
}

interface LocalDate {
  y: number;
  m: number;
  d: number;
}

function localDate(t: number, timeZone: string): LocalDate {
  const w = new Date(wallClock(t, timeZone));
  return { y: w.getUTCFullYear(), m: w.getUTCMonth() + 1, d: w.getUTCDate() };
}

function addDays(date: LocalDate, days: number): LocalDate {
  const w = new Date(Date.UTC(date.y, date.m - 1, date.d + days));
  return { y: w.getUTCFullYear(), m: w.getUTCMonth() + 1, d: w.getUTCDate() };
}

function dateId(date: LocalDate): string {
  return `${date.y}-${String(date.m).padStart(2, '0')}-${String(date.d).padStart(2, '0')}`;
}

/**
 * The instant `time` happens on a local date. When the clocks go back it is the first of the two;
 * when they go forward over it, the end of the gap (02:30 → 03:00 in Europe/Berlin).
 */
export function instantOf(date: { y: number; m: number; d: number }, time: string, timeZone: string): number {
  const [hh, mm] = time.split(':').map(Number);
  const wanted = Date.UTC(date.y, date.m - 1, date.d, hh, mm);
  // The offsets half a day before and after cover both sides of any transition on that day.
  const candidates = [wanted - 12 * 3_600_000, wanted + 12 * 3_600_000].map((probe) => wanted - (wallClock(probe, timeZone) - probe));
  const exact = candidates.filter((t) => wallClock(t, timeZone) === wanted);
  if (exact.length > 0) return Math.min(...exact);
  // In the gap: the first minute whose wall clock is at or past the wanted time.
  let lo = Math.min(...candidates);
  let hi = Math.max(...candidates);
  while (hi - lo > 60_000) {
    const mid = lo + Math.floor((hi - lo) / 120_000) * 60_000;
    if (wallClock(mid, timeZone) >= wanted) hi = mid;
    else lo = mid;
  }
  return hi;
}

function matches(timing: Pick<Timing, 'frequency' | 'weekday' | 'monthDay'>, date: LocalDate): boolean {
  if (timing.frequency === 'daily') return true;
  if (timing.frequency === 'weekly') return new Date(Date.UTC(date.y, date.m - 1, date.d)).getUTCDay() === timing.weekday;
  return date.d === timing.monthDay;
}

type When = Pick<Timing, 'frequency' | 'time' | 'weekday' | 'monthDay'>;

/** The most recent slot due at or before `now` (looking back up to two months). */
export function latestSlot(timing: When, now: number, timeZone: string): Slot | null {
  const today = localDate(now, timeZone);
  for (let back = 0; back <= 62; back++) {
    const date = addDays(today, -back);
    if (!matches(timing, date)) continue;
    const dueAt = instantOf(date, timing.time, timeZone);
    if (dueAt <= now) return { id: dateId(date), dueAt };
  }
  return null;
}

/** The first slot due after `now`. */
export function nextSlot(timing: When, now: number, timeZone: string): Slot | null {
  const today = localDate(now, timeZone);
  for (let ahead = 0; ahead <= 62; ahead++) {
    const date = addDays(today, ahead);
    if (!matches(timing, date)) continue;
    const dueAt = instantOf(date, timing.time, timeZone);
    if (dueAt > now) return { id: dateId(date), dueAt };
  }
  return null;
}

export const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'] as const;

/** "Every day at 02:00", "Every Sunday at 04:00", "On day 1 of every month at 03:00". */
export function describeTiming(timing: When & { enabled?: boolean }): string {
  if (timing.enabled === false) return 'Off';
  if (timing.frequency === 'daily') return `Every day at ${timing.time}`;
  if (timing.frequency === 'weekly') return `Every ${WEEKDAYS[timing.weekday]} at ${timing.time}`;
  return `On day ${timing.monthDay} of every month at ${timing.time}`;
}
