// Retention per connection: how long restore points are kept, by age (daily, weekly, monthly) and by
// tag (event-triggered ones, the safety copies). Saved per connection and used by every clean-up (the
// button, the schedule, `pci-maint prune`) unless the call gives its own rules.
import { z } from 'zod';
import { ProfileName } from '../profile';
import { method } from './method';
import { BackupTag } from './backup';

const Count = z.number().int().min(0).max(10_000);

export const RetentionSettings = z.object({
  /** The newest N whatever their age. */
  keepLast: Count,
  /** The newest restore point of each of the last N days that have one (likewise weeks, months, years). */
  keepDaily: Count,
  keepWeekly: Count,
  keepMonthly: Count,
  keepYearly: Count,
  /** Restore points with the tag are kept for that many days, whatever the other rules say. */
  keepTaggedDays: z.record(BackupTag, z.number().int().min(0).max(36_500)),
});
export type RetentionSettings = z.infer<typeof RetentionSettings>;

/** The plans' numbers: event-triggered restore points 90 days, daily 30, weekly 12, monthly 12. */
export const DEFAULT_RETENTION_SETTINGS: RetentionSettings = {
  keepLast: 0,
  keepDaily: 30,
  keepWeekly: 12,
  keepMonthly: 12,
  keepYearly: 0,
  keepTaggedDays: { event: 90, 'pre-update': 90, 'pre-restore': 90 },
};

/** Rules given for one clean-up over the saved ones: each given field wins (keepTaggedDays as a whole). */
export function mergeRetention(saved: RetentionSettings, given: Partial<RetentionSettings> | undefined): RetentionSettings {
  return structuredClone({ ...saved, ...(given ?? {}) });
}

/** "event=30" (a --keep-tag value) over a tag map; 0 days removes the tag's rule. */
export function withTagRule(tagged: Record<string, number>, rule: { tag: string; days: number }): Record<string, number> {
  const out = { ...tagged, [rule.tag]: rule.days };
  if (rule.days === 0) delete out[rule.tag];
  return out;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** One reason a restore point is kept (repository/retention.ts RetentionReason), in words: "event, 90 days". */
export function retentionReasonText(reason: string, rules: RetentionSettings): string {
  if (reason === 'newest') return 'the newest';
  if (reason === 'last') return `one of the last ${rules.keepLast}`;
  if (reason === 'daily') return `daily, ${plural(rules.keepDaily, 'day')}`;
  if (reason === 'weekly') return `weekly, ${plural(rules.keepWeekly, 'week')}`;
  if (reason === 'monthly') return `monthly, ${plural(rules.keepMonthly, 'month')}`;
  if (reason === 'yearly') return `yearly, ${plural(rules.keepYearly, 'year')}`;
  if (reason.startsWith('tagged:')) {
    const tag = reason.slice('tagged:'.length);
    return `${tag}, ${plural(rules.keepTaggedDays[tag] ?? 0, 'day')}`;
  }
  return reason;
}

/** "kept: event, 90 days; daily, 30 days" or, with no reasons, why it goes. */
export function retentionWhy(reasons: readonly string[], rules: RetentionSettings): string {
  if (reasons.length === 0) return 'removed: older than every rule keeps';
  return `kept: ${reasons.map((r) => retentionReasonText(r, rules)).join('; ')}`;
}

export const RetentionView = z.object({
  profile: z.string(),
  settings: RetentionSettings,
  /** False while the connection uses the defaults (nothing saved yet). */
  saved: z.boolean(),
  defaults: RetentionSettings,
});
export type RetentionView = z.infer<typeof RetentionView>;

const ForProfile = z.object({ profile: ProfileName }).strict();

export const retentionMethods = {
  'retention.get': method(ForProfile, RetentionView, 'How long the restore points of a connection are kept (the saved rules, or the defaults).'),
  'retention.set': method(
    ForProfile.extend({ settings: RetentionSettings.nullable() }).strict(),
    RetentionView,
    'Save the retention rules of a connection; null goes back to the defaults.',
  ),
} as const;
