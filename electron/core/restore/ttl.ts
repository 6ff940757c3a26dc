// TTL indexes after a restore. MongoDB's TTL monitor (every 60 s) deletes documents whose indexed date
// is older than `expireAfterSeconds` — also documents a restore has just put back. So a restore point
// may hold documents that are already past their time: the preview says so, and the checks afterwards
// allow exactly those to be missing. Rules relied on (MongoDB manual, "TTL Indexes"): only
// single-field indexes expire documents; the field must be a date, or an array of dates (the earliest
// counts); any other value never expires; a partial TTL index only deletes what its filter matches.
import { BSON, type Document } from 'bson';
import type { MongoCollectionEntry, Repository } from '../repository';
import { splitDocuments } from '../verify/bson-check';

export interface TtlRule {
  field: string;
  seconds: number;
  /** A partial TTL index: documents outside its filter never expire (the filter is not evaluated here). */
  partial: boolean;
}

/** The TTL rules among a collection's index definitions (as listIndexes / metadata.json give them). */
export function ttlRules(indexes: Document[]): TtlRule[] {
  const out: TtlRule[] = [];
  for (const ix of indexes) {
    const keys = ix.key && typeof ix.key === 'object' ? Object.keys(ix.key as Document) : [];
    const seconds = Number((ix.expireAfterSeconds as { valueOf(): unknown } | undefined)?.valueOf());
    if (keys.length !== 1 || keys[0] === '_id' || !Number.isFinite(seconds)) continue;
    out.push({ field: keys[0], seconds, partial: ix.partialFilterExpression !== undefined });
  }
  return out;
}

function leaves(value: unknown, path: string[]): unknown[] {
  if (path.length === 0) return Array.isArray(value) ? value : [value];
  if (Array.isArray(value)) return value.flatMap((v) => leaves(v, path));
  if (value === null || typeof value !== 'object' || value instanceof Date) return [];
  return leaves((value as Document)[path[0]], path.slice(1));
}

/** True when some rule lets the server delete `doc` at `now` (partial rules count as "may"). */
export function pastTtl(doc: Document, rules: TtlRule[], now: number): boolean {
  return rules.some((r) => {
    const dates = leaves(doc, r.field.split('.')).filter((v): v is Date => v instanceof Date);
    return dates.length > 0 && Math.min(...dates.map((d) => d.getTime())) + r.seconds * 1000 < now;
  });
}

export function isPastTtl(raw: Uint8Array, rules: TtlRule[], now: number): boolean {
  return rules.length > 0 && pastTtl(BSON.deserialize(raw), rules, now);
}

/** The server-side filter for documents `pastTtl` is false for (`$lt` on a date matches dates only, any array element). */
export function notPastTtlFilter(rules: TtlRule[], now: number): Document {
  return { $nor: rules.map((r) => ({ [r.field]: { $lt: new Date(now - r.seconds * 1000) } })) };
}

/** How many of the restore point's documents of `entry` are past their TTL at `now`. */
export async function countPastTtl(repo: Repository, entry: MongoCollectionEntry, rules: TtlRule[], now: number, signal?: AbortSignal): Promise<number> {
  if (rules.length === 0) return 0;
  let n = 0;
  for (const chunk of entry.chunks) {
    signal?.throwIfAborted();
    for (const raw of splitDocuments(await repo.getBlob(chunk.id))) if (isPastTtl(raw, rules, now)) n += 1;
  }
  return n;
}

/** The sentence of the preview for a collection with documents already past their TTL. */
export function pastTtlNote(expired: number, total: number, rules: TtlRule[]): string {
  const fields = [...new Set(rules.map((r) => `"${r.field}"`))].join(', ');
  return `${expired} of its ${total} documents are already past their expiry time (automatic deletion by date on ${fields}): MongoDB deletes them by itself within about a minute after the restore.`;
}
