// Checks of the database parts of a backup: a `.bson` chunk parsed document by document (and counted),
// and a `<collection>.metadata.json` held to the rules mongodump and mongorestore follow.
import { BSON, EJSON, type Document } from 'bson';

/** Keep every value as its BSON type: parsing is a check here, not a conversion. */
const PARSE_OPTIONS = { promoteValues: false, promoteLongs: false, promoteBuffers: false, bsonRegExp: true, validation: { utf8: true } } as const;

export type BsonCheck = { ok: true; docs: number } | { ok: false; docs: number; why: string };

/** Split `data` at document boundaries and parse each document; the first broken one ends the check. */
export function checkBsonChunk(data: Buffer): BsonCheck {
  let offset = 0;
  let docs = 0;
  while (offset < data.length) {
    if (data.length - offset < 5) return { ok: false, docs, why: `${data.length - offset} stray bytes after document ${docs}` };
    const size = data.readInt32LE(offset);
    if (size < 5 || offset + size > data.length) return { ok: false, docs, why: `document ${docs + 1} claims ${size} bytes but ${data.length - offset} remain` };
    try {
      BSON.deserialize(data.subarray(offset, offset + size), PARSE_OPTIONS);
    } catch (err) {
      return { ok: false, docs, why: `document ${docs + 1} cannot be parsed (${err instanceof Error ? err.message : String(err)})` };
    }
    docs += 1;
    offset += size;
  }
  return { ok: true, docs };
}

/** The split only (no parsing): the documents of a chunk as views of `data`. */
export function* splitDocuments(data: Buffer): Generator<Buffer> {
  let offset = 0;
  while (offset + 4 <= data.length) {
    const size = data.readInt32LE(offset);
    if (size < 5 || offset + size > data.length) throw new Error(`document at byte ${offset} claims ${size} bytes`);
    yield data.subarray(offset, offset + size);
    offset += size;
  }
}

const METADATA_KEYS = new Set(['options', 'indexes', 'uuid', 'collectionName', 'type']);
const isObject = (v: unknown): v is Document => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * What is wrong with a `<collection>.metadata.json`, by mongodump's rules: canonical Extended JSON of an
 * object with only `options`, `indexes`, `uuid`, `collectionName` and `type`; `indexes` an array of
 * index specs each with a `key` document and a `name`; `uuid` 32 hex digits; views have `viewOn`.
 * Returns [] when it is fine.
 */
export function metadataProblems(bytes: Buffer, collection?: string): string[] {
  let meta: unknown;
  try {
    meta = EJSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes), { relaxed: false });
  } catch (err) {
    return [`it is not valid Extended JSON (${err instanceof Error ? err.message : String(err)})`];
  }
  if (!isObject(meta)) return ['it is not a JSON object'];
  const out: string[] = [];
  for (const key of Object.keys(meta)) if (!METADATA_KEYS.has(key)) out.push(`unknown field "${key}"`);
  if (!Array.isArray(meta.indexes)) out.push('"indexes" is missing or not a list');
  else
    meta.indexes.forEach((ix: unknown, i: number) => {
      if (!isObject(ix)) return out.push(`index ${i + 1} is not an object`);
      if (!isObject(ix.key) || Object.keys(ix.key).length === 0) out.push(`index ${i + 1} has no key`);
      if (typeof ix.name !== 'string' || ix.name === '') out.push(`index ${i + 1} has no name`);
    });
  if (meta.options !== undefined && !isObject(meta.options)) out.push('"options" is not an object');
  if (meta.uuid !== undefined && !(typeof meta.uuid === 'string' && /^[0-9a-f]{32}$/.test(meta.uuid))) out.push('"uuid" is not 32 hex digits');
  if (meta.collectionName !== undefined && typeof meta.collectionName !== 'string') out.push('"collectionName" is not text');
  if (collection !== undefined && typeof meta.collectionName === 'string' && meta.collectionName !== collection) out.push(`"collectionName" is "${meta.collectionName}", not "${collection}"`);
  if (meta.type !== undefined && !['collection', 'view', 'timeseries'].includes(meta.type as string)) out.push(`"type" is "${String(meta.type)}"`);
  if (meta.type === 'view' && !(isObject(meta.options) && typeof meta.options.viewOn === 'string')) out.push('a view without "options.viewOn"');
  return out;
}
