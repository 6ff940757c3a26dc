// Index specifications as a current mongod takes and lists them (TEST DOUBLE). Relied on
// (src/mongo/db/catalog/index_key_validate.cpp, MongoDB 7.0; manual "Text Indexes", "2dsphere"):
// - a field outside the allowed set (old drivers' `safe`, `w`, …) fails with
//   InvalidIndexSpecificationOption (197): "The field 'safe' is not valid for an index specification";
// - `v` must be 1 or 2 (CannotCreateIndex, 67); key values 0 and unknown plugins fail the same way,
//   geoHaystack indexes cannot be created since 5.0;
// - `ns` is accepted and not kept (4.4+ list no `ns`); `background` is accepted and kept;
// - a text index is listed with key {_fts: 'text', _ftsx: 1} (other fields keep their place), and
//   `weights`, `default_language` ('english'), `language_override` ('language'), `textIndexVersion` 3;
// - a 2dsphere index is listed with `2dsphereIndexVersion: 3`.
import { Int32, type Document } from 'bson';
import { CommandError } from './errors';
import { formatDocument, isPlainObject } from './values';
import type { IndexSpec } from './storage';

export const INVALID_INDEX_OPTION = { code: 197, codeName: 'InvalidIndexSpecificationOption' };
export const CANNOT_CREATE_INDEX = { code: 67, codeName: 'CannotCreateIndex' };

const ALLOWED = new Set([
  'key', 'name', 'v', 'ns', 'background', 'unique', 'sparse', 'dropDups', 'prepareUnique', 'clustered', 'hidden',
  'partialFilterExpression', 'expireAfterSeconds', 'collation', 'storageEngine', 'wildcardProjection', 'originalSpec',
  'weights', 'default_language', 'language_override', 'textIndexVersion',
  '2dsphereIndexVersion', 'bits', 'min', 'max', 'coarsestIndexedLevel', 'finestIndexedLevel',
  'columnstoreProjection', 'columnstoreCompressor',
]);
const PLUGINS = new Set(['text', '2dsphere', '2dsphere_bucket', '2d', 'hashed', 'wildcard', 'columnstore']);

function specError(raw: Document, message: string, code = INVALID_INDEX_OPTION): CommandError {
  return new CommandError(code, `Error in specification ${formatDocument(raw)} :: caused by :: ${message}`);
}

const num = (v: unknown): number => Number((v as { valueOf(): unknown }).valueOf());

/** The spec as the server stores and lists it; throws as mongod does for what it refuses. */
export function normalizeIndexSpec(raw: Document): IndexSpec {
  for (const field of Object.keys(raw)) {
    if (!ALLOWED.has(field)) throw specError(raw, `The field '${field}' is not valid for an index specification. Specification: ${formatDocument(raw)}`);
  }
  const { v, ns: _ns, key, name, ...options } = raw as Document & { key: Document; name: string };
  if (v !== undefined && ![1, 2].includes(num(v))) throw specError(raw, `Invalid index specification ${formatDocument(raw)}; cannot create an index with v=${num(v)}`, CANNOT_CREATE_INDEX);
  const textFields: string[] = [];
  let fts = false;
  for (const [field, value] of Object.entries(key)) {
    if (typeof value === 'string') {
      if (value === 'geoHaystack') throw specError(raw, 'GeoHaystack indexes cannot be created in version 5.0 and above', CANNOT_CREATE_INDEX);
      if (!PLUGINS.has(value)) throw specError(raw, `Unknown index plugin '${value}'`, CANNOT_CREATE_INDEX);
      if (value === 'text') {
        if (field === '_fts') fts = true;
        else textFields.push(field);
      }
    } else if (num(value) === 0 || Number.isNaN(num(value))) {
      throw specError(raw, 'Values in the index key pattern cannot be 0.', CANNOT_CREATE_INDEX);
    }
  }
  let listedKey = key;
  if (textFields.length > 0 || fts) {
    if (!fts) {
      listedKey = {};
      let placed = false;
      for (const [field, value] of Object.entries(key)) {
        if (value === 'text') {
          if (!placed) Object.assign(listedKey, { _fts: 'text', _ftsx: new Int32(1) });
          placed = true;
        } else listedKey[field] = value;
      }
    }
    const weights: Document = isPlainObject(options.weights) ? { ...options.weights } : {};
    for (const f of textFields) weights[f] ??= new Int32(1);
    options.weights = weights;
    options.default_language ??= 'english';
    options.language_override ??= 'language';
    options.textIndexVersion ??= new Int32(3);
  }
  if (Object.values(key).includes('2dsphere')) options['2dsphereIndexVersion'] ??= new Int32(3);
  return { v: v === undefined ? 2 : num(v), key: listedKey, name, ...options };
}
