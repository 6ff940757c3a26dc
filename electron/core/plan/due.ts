// When a plan item is due, and when it is overdue, from the last time it was done: a day, a week or a
// calendar month later, with a grace period after which "due" becomes "overdue" (half a day, two days,
// a week). An item never done is due now and not overdue: nothing says since when it should have been.
import type { PlanFrequency, PlanItemState } from '../../../shared/api/plan';

const DAY = 86_400_000;
export const GRACE_MS: Record<PlanFrequency, number> = { daily: DAY / 2, weekly: 2 * DAY, monthly: 7 * DAY };

/** The next due time after `last` (epoch ms); months are calendar months (31 Jan → 28/29 Feb). */
export function nextDue(last: number, frequency: PlanFrequency): number {
  if (frequency === 'daily') return last + DAY;
  if (frequency === 'weekly') return last + 7 * DAY;
  const d = new Date(last);
  const day = d.getUTCDate();
  d.setUTCDate(1);
  d.setUTCMonth(d.getUTCMonth() + 1);
  const lastOfMonth = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate();
  d.setUTCDate(Math.min(day, lastOfMonth));
  return d.getTime();
}

export function itemState(input: { enabled: boolean; lastDone: number | null; frequency: PlanFrequency; now: number }): { state: PlanItemState; dueAt: number | null } {
  if (!input.enabled) return { state: 'off', dueAt: null };
  if (input.lastDone === null) return { state: 'due', dueAt: null };
  const dueAt = nextDue(input.lastDone, input.frequency);
  if (input.now < dueAt) return { state: 'done', dueAt };
  return { state: input.now < dueAt + GRACE_MS[input.frequency] ? 'due' : 'overdue', dueAt };
}
