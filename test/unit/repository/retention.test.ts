// Retention rules, table-driven. Dates are built in local time: buckets are the user's calendar days.
import { describe, expect, it } from 'vitest';
import { applyRetention, isoWeekKey, type RetentionPolicyInput, type RetentionSnapshot } from '../../../electron/core/repository/retention';

const NOW = new Date(2025, 5, 15, 12, 0, 0); // Sunday 15 June 2025, noon local time
const NONE = { keepLast: 0, keepDaily: 0, keepWeekly: 0, keepMonthly: 0, keepYearly: 0, keepTaggedDays: {} };

/** A snapshot `daysAgo` days before NOW at `hour` local time. */
function snap(daysAgo: number, hour = 2, tags: string[] = ['scheduled']): RetentionSnapshot {
  const d = new Date(NOW.getFullYear(), NOW.getMonth(), NOW.getDate() - daysAgo, hour, 0, 0);
  return { id: `d${daysAgo}h${hour}`, createdAt: d.toISOString(), tags };
}

function series(days: number, hours: number[] = [2]): RetentionSnapshot[] {
  const out: RetentionSnapshot[] = [];
  for (let d = 0; d < days; d++) for (const h of hours) out.push(snap(d, h));
  return out;
}

interface Case {
  name: string;
  snapshots: RetentionSnapshot[];
  policy: RetentionPolicyInput;
  keep: string[];
}

const cases: Case[] = [
  {
    name: 'newest snapshot is kept even when every rule is zero',
    snapshots: series(5),
    policy: NONE,
    keep: ['d0h2'],
  },
  {
    name: 'keep-last keeps the N newest',
    snapshots: series(2, [1, 9, 17]),
    policy: { ...NONE, keepLast: 4 },
    keep: ['d0h17', 'd0h9', 'd0h1', 'd1h17'],
  },
  {
    name: 'daily keeps the newest of each of the last N days with snapshots',
    snapshots: series(10, [3, 15]),
    policy: { ...NONE, keepDaily: 3 },
    keep: ['d0h15', 'd1h15', 'd2h15'],
  },
  {
    name: 'daily counts days that have snapshots, not calendar days (restic semantics)',
    snapshots: [snap(1), snap(5), snap(20), snap(40)],
    policy: { ...NONE, keepDaily: 3 },
    keep: ['d1h2', 'd5h2', 'd20h2'],
  },
  {
    // NOW is a Sunday: ISO weeks end on days 0, 7, 14, … ago.
    name: 'weekly keeps the newest of each ISO week',
    snapshots: series(30),
    policy: { ...NONE, keepWeekly: 3 },
    keep: ['d0h2', 'd7h2', 'd14h2'],
  },
  {
    name: 'monthly keeps the newest of each calendar month',
    snapshots: series(100),
    policy: { ...NONE, keepMonthly: 3 },
    // 15 June → 31 May (15 days ago) → 30 April (46 days ago)
    keep: ['d0h2', 'd15h2', 'd46h2'],
  },
  {
    name: 'rules combine as a union',
    snapshots: series(30),
    policy: { ...NONE, keepDaily: 2, keepWeekly: 2 },
    keep: ['d0h2', 'd1h2', 'd7h2'],
  },
  {
    name: 'pre-update snapshots are kept for the set number of days, then forgotten',
    snapshots: [snap(0), snap(30, 9, ['pre-update']), snap(89, 9, ['manual', 'pre-update']), snap(91, 9, ['pre-update']), snap(31, 9, ['manual'])],
    policy: { ...NONE, keepTaggedDays: { 'pre-update': 90 } },
    keep: ['d0h2', 'd30h9', 'd89h9'],
  },
  {
    name: 'the defaults keep pre-update and pre-restore snapshots for 90 days',
    snapshots: [snap(0), ...[200, 201].map((d) => snap(d)), snap(60, 5, ['pre-restore']), snap(120, 5, ['pre-update'])],
    policy: { keepDaily: 1, keepWeekly: 0, keepMonthly: 0 },
    keep: ['d0h2', 'd60h5'],
  },
];

describe('applyRetention', () => {
  for (const c of cases) {
    it(c.name, () => {
      const result = applyRetention(c.snapshots, c.policy, NOW);
      expect(result.keep.map((k) => k.id).sort()).toEqual([...c.keep].sort());
      expect(result.keep.length + result.forget.length).toBe(c.snapshots.length);
      expect(result.forget.every((f) => f.reasons.length === 0)).toBe(true);
      expect(result.keep.every((k) => k.reasons.length > 0)).toBe(true);
    });
  }

  it('gives reasons, newest first', () => {
    const result = applyRetention([snap(3), snap(0), snap(1, 2, ['pre-update'])], { ...NONE, keepDaily: 2 }, NOW);
    expect(result.keep).toEqual([
      { id: 'd0h2', createdAt: snap(0).createdAt, reasons: ['newest', 'daily'] },
      { id: 'd1h2', createdAt: snap(1).createdAt, reasons: ['daily'] },
    ]);
    expect(result.forget.map((f) => f.id)).toEqual(['d3h2']);
    const tagged = applyRetention([snap(0), snap(1, 2, ['pre-update'])], { ...NONE, keepTaggedDays: { 'pre-update': 90 } }, NOW);
    expect(tagged.keep[1].reasons).toEqual(['tagged:pre-update']);
  });

  it('handles no snapshots and uses the defaults (30 daily, 12 weekly, 12 monthly)', () => {
    expect(applyRetention([], {}, NOW)).toEqual({ keep: [], forget: [] });
    const year = applyRetention(series(500), {}, NOW);
    const daily = year.keep.filter((k) => k.reasons.includes('daily'));
    const weekly = year.keep.filter((k) => k.reasons.includes('weekly'));
    const monthly = year.keep.filter((k) => k.reasons.includes('monthly'));
    expect([daily.length, weekly.length, monthly.length]).toEqual([30, 12, 12]);
  });

  it('a snapshot dated in the future (clock change) is not lost', () => {
    const future = { id: 'future', createdAt: new Date(NOW.getTime() + 86_400_000).toISOString(), tags: ['pre-update'] };
    expect(applyRetention([future, snap(0)], NONE, NOW).keep.map((k) => k.id)).toEqual(['future']);
  });
});

describe('isoWeekKey', () => {
  it.each([
    [new Date(2021, 0, 3), '2020-W53'],
    [new Date(2021, 0, 4), '2021-W01'],
    [new Date(2024, 11, 30), '2025-W01'],
    [new Date(2026, 0, 1), '2026-W01'],
    [new Date(2027, 0, 1), '2026-W53'],
    [new Date(2025, 5, 15, 23, 59), '2025-W24'],
    [new Date(2025, 5, 16, 0, 1), '2025-W25'],
  ])('%s → %s', (date, key) => {
    expect(isoWeekKey(date)).toBe(key);
  });
});
