// Retention per tag in words and the merge of one clean-up's rules over the saved ones (pure), and
// the retention function with the plans' defaults: event-triggered restore points stay 90 days.
import { describe, expect, it } from 'vitest';
import { DEFAULT_RETENTION_SETTINGS, mergeRetention, retentionReasonText, retentionWhy, withTagRule } from '../../../shared/api/retention';
import { applyRetention } from '../../../electron/core/repository/retention';

const DAY = 24 * 60 * 60 * 1000;
const NOW = new Date('2026-12-04T12:00:00Z');
const at = (daysAgo: number) => new Date(NOW.getTime() - daysAgo * DAY).toISOString();

describe('retention per tag', () => {
  it('words each reason with its rule\'s number', () => {
    const rules = DEFAULT_RETENTION_SETTINGS;
    expect(retentionReasonText('tagged:event', rules)).toBe('event, 90 days');
    expect(retentionReasonText('daily', rules)).toBe('daily, 30 days');
    expect(retentionReasonText('weekly', rules)).toBe('weekly, 12 weeks');
    expect(retentionReasonText('monthly', { ...rules, keepMonthly: 1 })).toBe('monthly, 1 month');
    expect(retentionWhy(['newest', 'daily', 'tagged:event'], rules)).toBe('kept: the newest; daily, 30 days; event, 90 days');
    expect(retentionWhy([], rules)).toBe('removed: older than every rule keeps');
  });

  it('has the plans\' defaults: event 90 days, daily 30, weekly 12, monthly 12', () => {
    expect(DEFAULT_RETENTION_SETTINGS).toMatchObject({ keepDaily: 30, keepWeekly: 12, keepMonthly: 12, keepTaggedDays: { event: 90 } });
  });

  it('keeps an event-triggered restore point 90 days by its tag where the age rules would drop it', () => {
    const rules = { ...DEFAULT_RETENTION_SETTINGS, keepDaily: 1, keepWeekly: 0, keepMonthly: 0 };
    const snaps = [
      { id: 'a', createdAt: at(0), tags: ['scheduled'] },
      { id: 'b', createdAt: at(10), tags: ['event', 'gallery-added'] },
      { id: 'c', createdAt: at(10.5), tags: ['scheduled'] },
      { id: 'd', createdAt: at(91), tags: ['event'] },
    ];
    const r = applyRetention(snaps, rules, NOW);
    expect(r.keep.map((k) => [k.id, retentionWhy(k.reasons, rules)])).toEqual([
      ['a', 'kept: the newest; daily, 1 day'],
      ['b', 'kept: event, 90 days'],
    ]);
    expect(r.forget.map((f) => f.id)).toEqual(['c', 'd']);
  });

  it('one clean-up\'s rules win field by field; a tag rule of 0 days is removed', () => {
    const merged = mergeRetention(DEFAULT_RETENTION_SETTINGS, { keepDaily: 7 });
    expect(merged).toEqual({ ...DEFAULT_RETENTION_SETTINGS, keepDaily: 7 });
    expect(withTagRule({ event: 90, 'pre-update': 90 }, { tag: 'event', days: 0 })).toEqual({ 'pre-update': 90 });
    expect(withTagRule({ event: 90 }, { tag: 'gallery-added', days: 30 })).toEqual({ event: 90, 'gallery-added': 30 });
    expect(DEFAULT_RETENTION_SETTINGS.keepDaily).toBe(30); // the defaults are not changed by a merge
  });
});
