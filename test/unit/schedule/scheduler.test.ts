// The scheduler with an injected clock and timer: a due run fires once, a run missed while the app was
// closed runs once at start and says so, two processes never both run a slot, and the DST days of
// Europe/Berlin neither double nor drop a run.
import type Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { migrate } from '../../../electron/core/history/db';
import { openDatabase } from '../../../electron/core/native/sqlite';
import { Scheduler, type FireInfo, type ScheduledTask } from '../../../electron/core/schedule/scheduler';
import { ScheduleState } from '../../../electron/core/schedule/state';
import { instantOf, latestSlot, nextSlot } from '../../../electron/core/schedule/times';
import { FakeTime } from '../../support/fake-time';

const BERLIN = 'Europe/Berlin';
const quiet = { debug() {}, info() {}, warn() {}, error() {} };
const at = (iso: string) => Date.parse(iso);
const iso = (t: number) => new Date(t).toISOString();

let db: Database.Database;
beforeEach(() => {
  db = openDatabase(':memory:');
  migrate(db);
});
afterEach(() => db.close());

function setup(options: { start: string; time?: string; since?: string; frequency?: 'daily' | 'weekly' }) {
  const time = new FakeTime(at(options.start));
  const fired: FireInfo[] = [];
  const task: ScheduledTask = {
    key: 'backup:Office',
    timing: { enabled: true, frequency: options.frequency ?? 'daily', time: options.time ?? '02:00', weekday: 0, monthDay: 1 },
    plannedSince: at(options.since ?? options.start),
    fire: (info) => {
      fired.push(info);
      return { outcome: 'started', opId: `job-${fired.length}`, message: 'Started as planned.' };
    },
  };
  const state = new ScheduleState(db);
  // It wakes exactly at each due time anyway; a long nap between keeps the test quick.
  const scheduler = new Scheduler({ clock: time, timer: time, timeZone: BERLIN, tasks: () => [task], state, log: quiet, maxSleepMs: 3_600_000 });
  const advance = (to: string) => time.advanceTo(at(to), () => scheduler.idle());
  return { time, fired, task, state, scheduler, advance };
}

describe('wall-clock slots in Europe/Berlin', () => {
  it('puts 02:30 on the day clocks go forward at 03:00 (the end of the gap)', () => {
    expect(iso(instantOf({ y: 2025, m: 3, d: 30 }, '02:30', BERLIN))).toBe('2025-03-30T01:00:00.000Z');
  });

  it('puts 02:30 on the day clocks go back at its first occurrence', () => {
    expect(iso(instantOf({ y: 2025, m: 10, d: 26 }, '02:30', BERLIN))).toBe('2025-10-26T00:30:00.000Z');
  });

  it('finds weekly and monthly slots', () => {
    const weekly = nextSlot({ frequency: 'weekly', time: '04:00', weekday: 0, monthDay: 1 }, at('2025-06-04T10:00:00Z'), BERLIN);
    expect(weekly).toEqual({ id: '2025-06-08', dueAt: at('2025-06-08T02:00:00Z') });
    const monthly = latestSlot({ frequency: 'monthly', time: '03:00', weekday: 0, monthDay: 1 }, at('2025-06-04T10:00:00Z'), BERLIN);
    expect(monthly).toEqual({ id: '2025-06-01', dueAt: at('2025-06-01T01:00:00Z') });
  });
});

describe('scheduler', () => {
  it('fires a due run once, on time, and then the next day again', async () => {
    const s = setup({ start: '2025-06-01T12:00:00Z' });
    await s.scheduler.start();
    expect(s.fired).toHaveLength(0); // today's 02:00 was before the schedule began
    await s.advance('2025-06-02T03:00:00Z');
    expect(s.fired.map((f) => [f.slot, iso(f.dueAt), f.missed])).toEqual([['2025-06-02', '2025-06-02T00:00:00.000Z', false]]);
    await s.scheduler.tick(); // another check in the same day changes nothing
    expect(s.fired).toHaveLength(1);
    await s.advance('2025-06-03T03:00:00Z');
    expect(s.fired.map((f) => f.slot)).toEqual(['2025-06-02', '2025-06-03']);
    expect(s.state.lastRun('backup:Office')).toMatchObject({ dueAt: '2025-06-03T00:00:00.000Z', outcome: 'started', missed: false, opId: 'job-2' });
    s.scheduler.stop();
  });

  it('runs a missed run once at start and marks it missed', async () => {
    const s = setup({ start: '2025-06-01T12:00:00Z' });
    await s.scheduler.start();
    s.scheduler.stop();
    // The computer was off for three days; the app starts again mid-morning.
    s.time.jumpTo(at('2025-06-04T08:15:00Z'));
    await s.scheduler.start();
    expect(s.fired).toEqual([{ task: 'backup:Office', slot: '2025-06-04', dueAt: at('2025-06-04T00:00:00Z'), missed: true }]);
    expect(s.state.lastRun('backup:Office')).toMatchObject({ missed: true, startedAt: '2025-06-04T08:15:00.000Z' });
    await s.advance('2025-06-05T00:00:30Z');
    expect(s.fired.map((f) => [f.slot, f.missed])).toEqual([
      ['2025-06-04', true],
      ['2025-06-05', false],
    ]);
    s.scheduler.stop();
  });

  it('counts runs planned before the connection existed as nothing to catch up', async () => {
    const s = setup({ start: '2025-06-04T08:00:00Z', since: '2025-06-04T07:00:00Z' });
    await s.scheduler.start();
    expect(s.fired).toHaveLength(0);
    s.scheduler.stop();
  });

  it('lets only one of two processes on the same data folder run a slot', async () => {
    const a = setup({ start: '2025-06-01T12:00:00Z' });
    const b = new Scheduler({ clock: a.time, timer: a.time, timeZone: BERLIN, tasks: () => [a.task], state: new ScheduleState(db), log: quiet, maxSleepMs: 3_600_000 });
    await Promise.all([a.scheduler.start(), b.start()]);
    await a.time.advanceTo(at('2025-06-02T01:00:00Z'), async () => {
      await a.scheduler.idle();
      await b.idle();
    });
    expect(a.fired.map((f) => f.slot)).toEqual(['2025-06-02']);
    a.scheduler.stop();
    b.stop();
  });

  it('keeps checking after a check failed (e.g. a damaged settings file)', async () => {
    const s = setup({ start: '2025-06-01T12:00:00Z' });
    let broken = true;
    const scheduler = new Scheduler({
      clock: s.time,
      timer: s.time,
      timeZone: BERLIN,
      tasks: () => {
        if (broken) throw new Error('settings file damaged');
        return [s.task];
      },
      state: s.state,
      log: quiet,
      maxSleepMs: 3_600_000,
    });
    await scheduler.start();
    broken = false;
    await s.time.advanceTo(at('2025-06-02T01:00:00Z'), () => scheduler.idle());
    expect(s.fired.map((f) => f.slot)).toEqual(['2025-06-02']);
    scheduler.stop();
  });

  it('does not run twice when the clocks go back (02:30 happens twice on 26 October)', async () => {
    const s = setup({ start: '2025-10-24T12:00:00Z', time: '02:30' });
    await s.scheduler.start();
    await s.advance('2025-10-28T12:00:00Z');
    expect(s.fired.map((f) => [f.slot, iso(f.dueAt)])).toEqual([
      ['2025-10-25', '2025-10-25T00:30:00.000Z'],
      ['2025-10-26', '2025-10-26T00:30:00.000Z'], // 02:30 CEST; 02:30 CET an hour later does not run again
      ['2025-10-27', '2025-10-27T01:30:00.000Z'],
      ['2025-10-28', '2025-10-28T01:30:00.000Z'],
    ]);
    s.scheduler.stop();
  });

  it('runs once, at 03:00, when the clocks go forward over 02:30 (30 March)', async () => {
    const s = setup({ start: '2025-03-28T12:00:00Z', time: '02:30' });
    await s.scheduler.start();
    await s.advance('2025-03-31T12:00:00Z');
    expect(s.fired.map((f) => [f.slot, iso(f.dueAt), f.missed])).toEqual([
      ['2025-03-29', '2025-03-29T01:30:00.000Z', false],
      ['2025-03-30', '2025-03-30T01:00:00.000Z', false],
      ['2025-03-31', '2025-03-31T00:30:00.000Z', false],
    ]);
    s.scheduler.stop();
  });
});
