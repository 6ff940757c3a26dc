// The database part of the baseline (checklist item 3): server version, feature compatibility version,
// and per collection its documents and size — and, after the update, the comparison with it. A
// collection that lost documents or disappeared is a failure with "Roll back".
import { isTempCollection } from '../restore/cleanup';
import type { MongoClient } from 'mongodb';
import type { Baseline, ChecklistCheck, CollectionFacts } from '../../../shared/api/checklist';
import { formatBytes } from '../../../shared/format';
import { mapMongoError } from '../connections/errors';
import { AFTER_LABELS, count, fail, pass, warn } from './check';

export type DatabaseFacts = NonNullable<Baseline['mongo']>;

/** Read what the baseline keeps. Counts come from the collections' statistics (fast on any size). */
export async function readDatabaseFacts(client: MongoClient, database: string): Promise<DatabaseFacts> {
  try {
    const admin = client.db('admin');
    const build = await admin.command({ buildInfo: 1 });
    // Not every server lets every user read parameters (shared hosting): then it is just unknown.
    const fcv = await admin.command({ getParameter: 1, featureCompatibilityVersion: 1 }).then(
      (r) => (typeof r.featureCompatibilityVersion?.version === 'string' ? (r.featureCompatibilityVersion.version as string) : null),
      () => null,
    );
    const db = client.db(database);
    const infos = await db.listCollections({}, { nameOnly: false }).toArray();
    const collections: CollectionFacts[] = [];
    for (const info of infos) {
      if (info.type === 'view' || info.name.startsWith('system.') || isTempCollection(info.name)) continue;
      collections.push(await collectionFacts(client, database, info.name));
    }
    collections.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    return {
      database,
      version: typeof build.version === 'string' ? build.version : null,
      featureCompatibilityVersion: fcv,
      collections,
      documents: collections.reduce((n, c) => n + c.documents, 0),
      bytes: collections.reduce((n, c) => n + c.bytes, 0),
    };
  } catch (err) {
    throw mapMongoError(err, { database });
  }
}

async function collectionFacts(client: MongoClient, database: string, name: string): Promise<CollectionFacts> {
  const coll = client.db(database).collection(name);
  try {
    const [stats] = await coll.aggregate<{ storageStats?: { count?: unknown; size?: unknown } }>([{ $collStats: { storageStats: {} } }]).toArray();
    const s = stats?.storageStats;
    if (s && s.count !== undefined) return { name, documents: Number(s.count), bytes: Number(s.size ?? 0) };
  } catch {
    // $collStats is refused on some servers and for some users: count instead (size unknown).
  }
  return { name, documents: await coll.estimatedDocumentCount(), bytes: 0 };
}

export function mongoSummary(f: DatabaseFacts): string {
  const fcv = f.featureCompatibilityVersion ? ` (compatibility ${f.featureCompatibilityVersion})` : '';
  return `MongoDB ${f.version ?? '(version unknown)'}${fcv}: ${count(f.collections.length, 'collection')}, ${count(f.documents, 'document')}, ${formatBytes(f.bytes)}`;
}

/** After the update: every collection of the baseline still there, with at least as many documents. */
export function compareDatabase(before: DatabaseFacts, now: DatabaseFacts): ChecklistCheck {
  const current = new Map(now.collections.map((c) => [c.name, c]));
  const lost: string[] = [];
  const shrunk: string[] = [];
  for (const c of before.collections) {
    const n = current.get(c.name);
    if (!n) lost.push(c.name);
    else if (n.documents < c.documents) shrunk.push(`${c.name}: ${c.documents.toLocaleString('en-US')} → ${n.documents.toLocaleString('en-US')} documents`);
  }
  const known = new Set(before.collections.map((c) => c.name));
  const added = now.collections.filter((c) => !known.has(c.name)).map((c) => c.name);
  const versionNote = before.version !== now.version ? ` MongoDB ${before.version ?? '?'} → ${now.version ?? '?'}.` : '';
  const fcvNote = before.featureCompatibilityVersion !== now.featureCompatibilityVersion ? ` Compatibility ${before.featureCompatibilityVersion ?? '?'} → ${now.featureCompatibilityVersion ?? '?'}.` : '';
  if (lost.length > 0 || shrunk.length > 0) {
    const parts = [...(lost.length ? [`${count(lost.length, 'collection')} disappeared (${lost.join(', ')})`] : []), ...(shrunk.length ? [`documents were lost in ${shrunk.join('; ')}`] : [])];
    return {
      ...fail('mongo', AFTER_LABELS.mongo, `Compared with before the update, ${parts.join(', and ')}.${versionNote}${fcvNote}`, 'Roll back to the backup made before the update, then ask the makers of PCI File Manager about the update.', 'rollback'),
      details: `before: ${mongoSummary(before)}\nnow: ${mongoSummary(now)}`,
    };
  }
  const addedNote = added.length ? ` New: ${added.join(', ')}.` : '';
  const grew = now.documents - before.documents;
  const text = `Every collection is still there with all its documents (${count(now.documents, 'document')} now, ${grew >= 0 ? '+' : ''}${grew.toLocaleString('en-US')}).${addedNote}${versionNote}${fcvNote}`;
  if (before.featureCompatibilityVersion && now.featureCompatibilityVersion && before.featureCompatibilityVersion !== now.featureCompatibilityVersion) {
    // Raising the compatibility version makes a return to the older MongoDB harder: worth a look.
    return warn('mongo', AFTER_LABELS.mongo, text, 'The update changed MongoDB’s feature compatibility version. That is expected only when MongoDB itself was upgraded.');
  }
  return pass('mongo', AFTER_LABELS.mongo, text);
}
