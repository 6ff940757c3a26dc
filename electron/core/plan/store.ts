// The plan's records in the history database (migration 006): each automated check's results and each
// manual step's sign-offs, per connection.
import { PlanCheckResult, type SignOff, type SignOffRecord } from '../../../shared/api/plan';
import type { Services } from '../services';
import { catalogItem } from './catalog';

type Db = Pick<Services, 'historyDb'>;

export function recordResult(s: Db, profile: string, r: PlanCheckResult, opId: string | null): void {
  s.historyDb.prepare(`INSERT INTO plan_results (profile, check_id, at, level, op_id, result_json) VALUES (?, ?, ?, ?, ?, ?)`).run(profile, r.id, r.at, r.level, opId, JSON.stringify(r));
}

/** The last result of each check of a connection (read defensively: a row of another shape is skipped). */
export function lastResults(s: Db, profile: string): Map<string, PlanCheckResult> {
  const rows = s.historyDb
    // SQLite takes the bare columns of an aggregate query from the row holding the max().
    .prepare(`SELECT check_id, result_json, max(at) FROM plan_results WHERE profile = ? GROUP BY check_id`)
    .all(profile) as { check_id: string; result_json: string }[];
  const out = new Map<string, PlanCheckResult>();
  for (const row of rows) {
    const parsed = PlanCheckResult.safeParse(JSON.parse(row.result_json));
    if (parsed.success) out.set(row.check_id, parsed.data);
  }
  return out;
}

export function recordSignOff(s: Db, profile: string, item: string, signOff: SignOff): void {
  s.historyDb.prepare(`INSERT INTO plan_signoffs (profile, item_id, at, note) VALUES (?, ?, ?, ?)`).run(profile, item, signOff.at, signOff.note);
}

export function lastSignOffs(s: Db, profile: string): Map<string, SignOff> {
  const rows = s.historyDb
    .prepare(`SELECT item_id, max(at) AS at, note FROM plan_signoffs WHERE profile = ? GROUP BY item_id`)
    .all(profile) as { item_id: string; at: string; note: string }[];
  return new Map(rows.map((r) => [r.item_id, { at: r.at, note: r.note }]));
}

export function signOffHistory(s: Db, profile: string, item: string | undefined, limit: number): SignOffRecord[] {
  const rows = (
    item
      ? s.historyDb.prepare(`SELECT item_id, at, note FROM plan_signoffs WHERE profile = ? AND item_id = ? ORDER BY at DESC, id DESC LIMIT ?`).all(profile, item, limit)
      : s.historyDb.prepare(`SELECT item_id, at, note FROM plan_signoffs WHERE profile = ? ORDER BY at DESC, id DESC LIMIT ?`).all(profile, limit)
  ) as { item_id: string; at: string; note: string }[];
  return rows.map((r) => ({ item: r.item_id, title: catalogItem(r.item_id)?.title ?? r.item_id, at: r.at, note: r.note }));
}
