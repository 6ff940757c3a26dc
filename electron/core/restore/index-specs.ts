// Index definitions and collection options from a restore point or an old mongodump folder, as a
// current MongoDB server takes them. Old dumps carry fields that servers since 3.4 refuse ("The field 'safe' is not valid for an
// index specification", InvalidIndexSpecificationOption 197), an `ns` naming the old collection and a
// `v` the server sets itself (v:0 is refused). These are left out, and the restore says which.
// The allowed fields are those of MongoDB 7.0 (src/mongo/db/catalog/index_key_validate.cpp).
import type { Document } from 'bson';

const ALLOWED = new Set([
  'key', 'name', 'background', 'unique', 'sparse', 'dropDups', 'prepareUnique', 'clustered', 'hidden',
  'partialFilterExpression', 'expireAfterSeconds', 'collation', 'storageEngine', 'wildcardProjection', 'originalSpec',
  'weights', 'default_language', 'language_override', 'textIndexVersion',
  '2dsphereIndexVersion', 'bits', 'min', 'max', 'coarsestIndexedLevel', 'finestIndexedLevel',
  'columnstoreProjection', 'columnstoreCompressor',
]);
/** Set by the server, never sent back: the index version and the old namespace field. */
const SERVER_SET = new Set(['v', 'ns']);

export interface RestorableIndexes {
  /** What `createIndexes` is sent (never `_id_`, which every collection has). */
  specs: Document[];
  /** Per index, the fields a current server would refuse, which were left out. */
  leftOut: { index: string; fields: string[] }[];
}

export function restorableIndexes(indexes: Document[]): RestorableIndexes {
  const specs: Document[] = [];
  const leftOut: RestorableIndexes['leftOut'] = [];
  for (const ix of indexes) {
    if (ix.name === '_id_') continue;
    const spec: Document = {};
    const refused: string[] = [];
    for (const [field, value] of Object.entries(ix)) {
      if (ALLOWED.has(field)) spec[field] = value;
      else if (!SERVER_SET.has(field)) refused.push(field);
    }
    specs.push(spec);
    if (refused.length > 0) leftOut.push({ index: String(ix.name), fields: refused });
  }
  return { specs, leftOut };
}

/** The sentence for the log and the summary. */
export function leftOutSentence(collection: string, leftOut: RestorableIndexes['leftOut']): string[] {
  return leftOut.map((l) => `The index "${l.index}" of ${collection} has options from an older MongoDB that current servers refuse (${l.fields.join(', ')}); it is restored without them.`);
}

/**
 * Collection options of old dumps that current servers no longer take: `autoIndexId` (false is refused
 * since MongoDB 4.0 outside the local database; mongorestore omits it, TOOLS-2275) and `flags`
 * (MMAPv1's usePowerOf2Sizes/noPadding; MMAPv1 was removed in 4.2). They are left out, and said so.
 */
const OBSOLETE_COLLECTION_OPTIONS = new Set(['autoIndexId', 'flags']);

export function restorableOptions(options: Document): { options: Document; leftOut: string[] } {
  const out: Document = {};
  const leftOut: string[] = [];
  for (const [k, v] of Object.entries(options)) {
    if (OBSOLETE_COLLECTION_OPTIONS.has(k)) leftOut.push(k);
    else out[k] = v;
  }
  return { options: out, leftOut };
}

export function optionsSentence(collection: string, leftOut: string[]): string[] {
  return leftOut.length === 0 ? [] : [`${collection} has collection options from an older MongoDB that current servers no longer take (${leftOut.join(', ')}); it is restored without them.`];
}
