// Reading the file records of PCI File Manager: the mapping says which collection holds them and which
// fields carry the bucket key, the size and the "deleted" mark. Only those fields are fetched.
import { EJSON, type Document } from 'bson';

export interface FileRecordsMapping {
  collection: string;
  keyField: string;
  sizeField?: string;
  deletedField?: string;
}

export interface FileRecord {
  id: string;
  key: string | null;
  size: number | null;
  deleted: boolean;
}

/** A projection of the mapped fields that MongoDB accepts (no path may be a prefix of another). */
export function projectionOf(mapping: FileRecordsMapping): Document {
  const paths = [mapping.keyField, mapping.sizeField, mapping.deletedField].filter((p): p is string => !!p && p !== '_id');
  const kept = [...new Set(paths)].filter((p) => !paths.some((q) => q !== p && p.startsWith(`${q}.`)));
  return Object.fromEntries([['_id', 1], ...kept.map((p) => [p, 1])]);
}

/** A dotted path into a document; arrays are not walked (a key field holds one key). */
export function valueAt(doc: Document, path: string): unknown {
  let value: unknown = doc;
  for (const part of path.split('.')) {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
    value = (value as Document)[part];
  }
  return value;
}

function numberOf(value: unknown): number | null {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value === 'bigint') return Number(value);
  if (value && typeof value === 'object') {
    const v = value as { toNumber?: () => number; _bsontype?: string; toString(): string };
    if (typeof v.toNumber === 'function') return v.toNumber(); // Long
    if (v._bsontype === 'Decimal128' || v._bsontype === 'Double' || v._bsontype === 'Int32') {
      const n = Number(v.toString());
      return Number.isFinite(n) ? n : null;
    }
  }
  return null;
}

/** "Deleted" is any value that says so: true, a date, a non-empty string, a non-zero number. */
function isDeletedMark(value: unknown): boolean {
  return value !== undefined && value !== null && value !== false && value !== 0 && value !== '';
}

export function idText(id: unknown): string {
  if (id && typeof id === 'object' && typeof (id as { toHexString?: () => string }).toHexString === 'function') return (id as { toHexString: () => string }).toHexString();
  if (typeof id === 'string') return id;
  return EJSON.stringify(id as Document, { relaxed: true });
}

export function toRecord(doc: Document, mapping: FileRecordsMapping): FileRecord {
  const key = valueAt(doc, mapping.keyField);
  return {
    id: idText(doc._id),
    key: typeof key === 'string' && key !== '' ? key : null,
    size: mapping.sizeField ? numberOf(valueAt(doc, mapping.sizeField)) : null,
    deleted: mapping.deletedField ? isDeletedMark(valueAt(doc, mapping.deletedField)) : false,
  };
}
