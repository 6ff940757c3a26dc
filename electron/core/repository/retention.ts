// Which restore points to keep (docs/backup-format.md §9). A pure function with restic's semantics:
// "keep N daily" means the newest snapshot of each of the N most recent days *that have snapshots*,
// so a laptop that was off for a month does not lose its history. Calendar buckets use local time,
// because "the backup of Tuesday" means the user's Tuesday.
import { z } from 'zod';

export const RetentionPolicy = z.object({
  keepLast: z.number().int().min(0).default(0),
  keepDaily: z.number().int().min(0).default(30),
  keepWeekly: z.number().int().min(0).default(12),
  keepMonthly: z.number().int().min(0).default(12),
  keepYearly: z.number().int().min(0).default(0),
  /** Snapshots with the tag are kept for that many days, whatever the other rules say. */
  keepTaggedDays: z.record(z.string(), z.number().int().min(0)).default({ 'pre-update': 90, 'pre-restore': 90 }),
});
export type RetentionPolicy = z.infer<typeof RetentionPolicy>;
export type RetentionPolicyInput = z.input<typeof RetentionPolicy>;

export const DEFAULT_RETENTION: RetentionPolicy = RetentionPolicy.parse({});

export interface RetentionSnapshot {
  id: string;
  createdAt: string | Date;
  tags: readonly string[];
}

/** 'newest' | 'last' | 'daily' | 'weekly' | 'monthly' | 'yearly' | 'tagged:<tag>' — the UI words them. */
export type RetentionReason = 'newest' | 'last' | 'daily' | 'weekly' | 'monthly' | 'yearly' | `tagged:${string}`;

export interface RetentionDecision {
  id: string;
  createdAt: string;
  reasons: RetentionReason[];
}

export interface RetentionResult {
  keep: RetentionDecision[];
  forget: RetentionDecision[];
}

const DAY_MS = 24 * 60 * 60 * 1000;
const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** ISO-8601 week of a local date, e.g. "2025-W01" (the week with the year's first Thursday is week 1). */
export function isoWeekKey(d: Date): string {
  // Work on the local calendar date via UTC arithmetic so DST changes cannot shift a day.
  const date = new Date(Date.UTC(d.getFullYear(), d.getMonth(), d.getDate()));
  const dayOfWeek = (date.getUTCDay() + 6) % 7; // Monday = 0
  date.setUTCDate(date.getUTCDate() - dayOfWeek + 3); // the Thursday of this week decides the year
  const year = date.getUTCFullYear();
  const firstThursday = new Date(Date.UTC(year, 0, 4));
  firstThursday.setUTCDate(firstThursday.getUTCDate() - ((firstThursday.getUTCDay() + 6) % 7) + 3);
  const week = 1 + Math.round((date.getTime() - firstThursday.getTime()) / (7 * DAY_MS));
  return `${year}-W${pad(week)}`;
}

const BUCKETS: Array<{ rule: 'keepDaily' | 'keepWeekly' | 'keepMonthly' | 'keepYearly'; reason: RetentionReason; key: (d: Date) => string }> = [
  { rule: 'keepDaily', reason: 'daily', key: (d) => `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}` },
  { rule: 'keepWeekly', reason: 'weekly', key: isoWeekKey },
  { rule: 'keepMonthly', reason: 'monthly', key: (d) => `${d.getFullYear()}-${pad(d.getMonth() + 1)}` },
  { rule: 'keepYearly', reason: 'yearly', key: (d) => String(d.getFullYear()) },
];

export function applyRetention(snapshots: readonly RetentionSnapshot[], policyInput: RetentionPolicyInput, now: Date = new Date()): RetentionResult {
  const policy = RetentionPolicy.parse(policyInput);
  const items = snapshots
    .map((s) => ({ s, at: new Date(s.createdAt), reasons: [] as RetentionReason[] }))
    .sort((a, b) => b.at.getTime() - a.at.getTime() || (a.s.id < b.s.id ? 1 : -1)); // newest first

  items.forEach((item, i) => {
    if (i < policy.keepLast) item.reasons.push('last');
  });

  for (const bucket of BUCKETS) {
    const wanted = policy[bucket.rule];
    let kept = 0;
    let lastKey: string | null = null;
    for (const item of items) {
      if (kept >= wanted) break;
      const key = bucket.key(item.at);
      if (key === lastKey) continue; // an older snapshot of a period already represented
      lastKey = key;
      item.reasons.push(bucket.reason);
      kept += 1;
    }
  }

  for (const item of items) {
    for (const [tag, days] of Object.entries(policy.keepTaggedDays)) {
      // A snapshot from the future (clock changed) counts as young: never drop it by accident.
      if (item.s.tags.includes(tag) && now.getTime() - item.at.getTime() < days * DAY_MS) item.reasons.push(`tagged:${tag}`);
    }
  }

  if (items.length > 0) items[0].reasons.unshift('newest');

  const result: RetentionResult = { keep: [], forget: [] };
  for (const item of items) {
    const decision: RetentionDecision = { id: item.s.id, createdAt: item.at.toISOString(), reasons: item.reasons };
    (item.reasons.length > 0 ? result.keep : result.forget).push(decision);
  }
  return result;
}
