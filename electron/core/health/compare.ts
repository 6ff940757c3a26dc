// The dashboard notices damage: today's MongoDB counts and the bucket's fresh file count, compared with
// the last good backup and with the pre-update baseline, said in plain sentences. A collection that is
// gone, or one with clearly fewer documents (files), is a loss worth a look.
import type { CountComparison } from '../../../shared/api/health';
import { Baseline } from '../../../shared/api/checklist';
import { BackupSummary } from '../../../shared/api/backup';
import type { CollectionFacts } from '../../../shared/api/checklist';
import type { Services } from '../services';
import { UpdateRecordStore } from '../checklist/records';

/** Fewer by at least this share (and at least one) is a loss, not everyday deleting. */
export const LOSS_SHARE = 0.02;

const n = (v: number) => v.toLocaleString('en-US');
const isLoss = (then: number, now: number) => then - now >= Math.max(1, then * LOSS_SHARE);

/** "(75 fewer, −4 %)", "(the same)". */
function difference(then: number, now: number): string {
  if (now === then) return '(the same)';
  const pct = then > 0 ? `, ${now < then ? '−' : '+'}${Math.max(1, Math.round((Math.abs(then - now) / then) * 100))} %` : '';
  return `(${n(Math.abs(now - then))} ${now < then ? 'fewer' : 'more'}${pct})`;
}

interface Then {
  against: CountComparison['against'];
  at: string;
  collections: Array<{ name: string; documents: number }> | null;
  objects: number | null;
}

const WHEN: Record<CountComparison['against'], string> = { backup: 'At the last backup', baseline: 'Before the update (checklist baseline)' };

export function compareCollections(then: Then, now: CollectionFacts[]): CountComparison | null {
  if (!then.collections) return null;
  const byName = new Map(now.map((c) => [c.name, c.documents]));
  const before = then.collections.reduce((s, c) => s + c.documents, 0);
  const after = now.reduce((s, c) => s + c.documents, 0);
  const changes: string[] = [];
  let loss = false;
  for (const c of then.collections) {
    const current = byName.get(c.name);
    if (current === undefined) {
      changes.push(`“${c.name}” is gone (it had ${n(c.documents)} documents).`);
      loss = true;
    } else if (current < c.documents) {
      changes.push(`“${c.name}”: ${n(c.documents)} → ${n(current)} documents ${difference(c.documents, current)}.`);
      loss ||= isLoss(c.documents, current);
    }
  }
  const known = new Set(then.collections.map((c) => c.name));
  for (const c of now) if (!known.has(c.name)) changes.push(`“${c.name}” is new (${n(c.documents)} documents).`);
  const summary = `${WHEN[then.against]}: ${n(before)} documents; now ${n(after)} ${difference(before, after)}.`;
  return { against: then.against, at: then.at, summary, changes, loss };
}

export function compareObjects(then: Then, now: { objects: number; countedAt: string }): CountComparison | null {
  // A count older than what it is compared with proves nothing about today: the dashboard recounts.
  if (then.objects === null || Date.parse(now.countedAt) < Date.parse(then.at)) return null;
  const loss = isLoss(then.objects, now.objects);
  const summary = `${WHEN[then.against]}: ${n(then.objects)} files; counted now: ${n(now.objects)} ${difference(then.objects, now.objects)}.`;
  return { against: then.against, at: then.at, summary, changes: [], loss };
}

/** What today's numbers are compared with: the newest good backup and the newest checklist baseline. */
export function referencePoints(engine: Services, profile: string): Then[] {
  const out: Then[] = [];
  const backup = engine.history.list({ kind: 'backup', profile, status: 'succeeded', limit: 1 }).items[0];
  const summary = backup ? BackupSummary.safeParse(backup.summary) : null;
  if (summary?.success) {
    const s = summary.data.stats.sources;
    const mongo = s.find((x) => x.kind === 'mongo');
    const r2 = s.find((x) => x.kind === 'r2');
    out.push({ against: 'backup', at: summary.data.finishedAt, collections: mongo?.collections ?? null, objects: r2 ? r2.entries : null });
  }
  const record = new UpdateRecordStore(engine.historyDb).list({ profile, limit: 1 })[0];
  const baseline = record?.baseline ? Baseline.safeParse(record.baseline) : null;
  if (baseline?.success) {
    const b = baseline.data;
    out.push({ against: 'baseline', at: b.takenAt, collections: b.mongo?.collections ?? null, objects: b.r2?.objects ?? null });
  }
  return out;
}
