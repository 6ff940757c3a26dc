// What a MongoDB database contains (collections, views, their options, UUIDs and indexes) and the
// `<collection>.metadata.json` file mongodump writes for each, so a backup can be exported as a plain
// mongodump folder and restored with `mongorestore`.
import { EJSON, type Document } from 'bson';
import type { Db } from 'mongodb';
import { isTempCollection } from '../restore/cleanup';

/**
 * Keep every value's BSON type when decoding catalog documents: an index key `{a: 1}` stored as Int32
 * must come out as {"$numberInt":"1"}, one stored as Double as {"$numberDouble":"1.0"}, as mongodump
 * writes them. Promoting to JS numbers would lose that difference.
 */
const KEEP_TYPES = { promoteValues: false, promoteLongs: false, promoteBuffers: false, bsonRegExp: true } as const;

/** Where MongoDB keeps a time-series collection's data: `system.buckets.<name>`. */
export const BUCKETS_PREFIX = 'system.buckets.';

export interface CatalogEntry {
  name: string;
  type: 'collection' | 'view' | 'timeseries';
  options: Document;
  /** 32 lowercase hex characters (mongodump's form), or null (views have none). */
  uuid: string | null;
}

/**
 * Collections and views to back up, by name. Like mongodump, internal `system.*` collections are
 * left out (`system.views` is covered by each view's own metadata), except `system.js` (stored
 * functions belong to the application).
 */
export async function listCatalog(db: Db): Promise<CatalogEntry[]> {
  const raw = await db.listCollections({}, { ...KEEP_TYPES, nameOnly: false }).toArray();
  const out: CatalogEntry[] = [];
  for (const c of raw as Document[]) {
    const name = String(c.name);
    if (name.startsWith('system.') && name !== 'system.js') continue;
    if (isTempCollection(name)) continue; // a restore's or test restore's collections being built: never data
    const type = c.type === 'view' || c.type === 'timeseries' ? c.type : 'collection';
    const uuid = c.info?.uuid;
    out.push({
      name,
      type,
      options: (c.options as Document | undefined) ?? {},
      uuid: uuid && typeof uuid === 'object' && 'buffer' in uuid ? Buffer.from((uuid as { buffer: Uint8Array }).buffer).toString('hex') : null,
    });
  }
  // Byte order of the names, so `Users` and `users` always come out in the same order.
  return out.sort((a, b) => Buffer.compare(Buffer.from(a.name), Buffer.from(b.name)));
}

/** The collection's indexes exactly as listIndexes returns them; null when it was dropped meanwhile. */
export async function listIndexDocs(db: Db, collection: string): Promise<Document[] | null> {
  try {
    return (await db.collection(collection).listIndexes(KEEP_TYPES).toArray()) as Document[];
  } catch (err) {
    if ((err as { codeName?: string; code?: number }).code === 26) return null; // NamespaceNotFound
    throw err;
  }
}

/**
 * mongodump's `<collection>.metadata.json`: canonical Extended JSON v2, keys in this order, `indexes`
 * always an array (empty for views), `options` always an object, `uuid` only when the server has one.
 * mongorestore reads `options` to recreate the collection (capped, validator, collation, or the view's
 * `viewOn`/`pipeline`) and `indexes` to rebuild them.
 */
export function metadataJson(entry: CatalogEntry, indexes: Document[]): Buffer {
  const meta: Document = { indexes: entry.type === 'view' ? [] : indexes };
  if (entry.uuid) meta.uuid = entry.uuid;
  meta.collectionName = entry.name;
  meta.type = entry.type;
  meta.options = entry.options;
  return Buffer.from(EJSON.stringify(meta, { relaxed: false }), 'utf8');
}
