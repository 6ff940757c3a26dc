// When plan items fall due and become overdue, on a fixed clock.
import { describe, expect, it } from 'vitest';
import { itemState, nextDue } from '../../../electron/core/plan/due';

const t = (iso: string) => Date.parse(iso);

describe('plan due dates', () => {
  it('a day, a week, a calendar month after the last time', () => {
    expect(new Date(nextDue(t('2026-03-10T08:00:00Z'), 'daily')).toISOString()).toBe('2026-03-11T08:00:00.000Z');
    expect(new Date(nextDue(t('2026-03-10T08:00:00Z'), 'weekly')).toISOString()).toBe('2026-03-17T08:00:00.000Z');
    expect(new Date(nextDue(t('2026-01-31T08:00:00Z'), 'monthly')).toISOString()).toBe('2026-02-28T08:00:00.000Z');
    expect(new Date(nextDue(t('2028-01-31T08:00:00Z'), 'monthly')).toISOString()).toBe('2028-02-29T08:00:00.000Z');
    expect(new Date(nextDue(t('2026-12-15T08:00:00Z'), 'monthly')).toISOString()).toBe('2027-01-15T08:00:00.000Z');
  });

  it('done until due, due through the grace period, overdue after it', () => {
    const last = t('2026-03-10T08:00:00Z');
    const at = (iso: string, frequency: 'daily' | 'weekly' | 'monthly' = 'weekly') => itemState({ enabled: true, lastDone: last, frequency, now: t(iso) }).state;
    expect(at('2026-03-16T08:00:00Z')).toBe('done');
    expect(at('2026-03-17T08:00:00Z')).toBe('due');
    expect(at('2026-03-19T07:59:00Z')).toBe('due');
    expect(at('2026-03-19T08:00:00Z')).toBe('overdue');
    expect(at('2026-03-11T19:00:00Z', 'daily')).toBe('due');
    expect(at('2026-03-11T20:00:00Z', 'daily')).toBe('overdue');
    expect(at('2026-04-16T08:00:00Z', 'monthly')).toBe('due');
    expect(at('2026-04-17T08:00:00Z', 'monthly')).toBe('overdue');
  });

  it('never done is due now (not overdue); switched off is off', () => {
    expect(itemState({ enabled: true, lastDone: null, frequency: 'daily', now: 0 })).toEqual({ state: 'due', dueAt: null });
    expect(itemState({ enabled: false, lastDone: null, frequency: 'daily', now: 0 })).toEqual({ state: 'off', dueAt: null });
  });
});
