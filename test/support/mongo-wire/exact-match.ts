// Exact numeric comparisons in filters for the TEST DOUBLE. mingo matches against a view in which
// numbers are JS doubles (values.normalize), so two Decimal128 values that differ beyond double
// precision look equal to it. mongod compares them exactly: `{_id: {$gt: Decimal128("0.1")}}` must
// find Decimal128("0.10000000000000001"). Conditions whose operand is a Decimal128 are therefore
// evaluated here, on the stored values (numeric.ts / values.compareValues); everything else still
// goes to mingo.
import type { Document } from 'bson';
import type { StoredDoc } from './storage';
import { bsonTypeOf, compareValues, isPlainObject, pathLeaves, valueKey } from './values';

type Test = (doc: StoredDoc) => boolean;

const NUMERIC = new Set(['Int32', 'Double', 'Long', 'Decimal128']);
const isNumber = (v: unknown): boolean => typeof v === 'number' || NUMERIC.has(bsonTypeOf(v) ?? '');
const isDecimal = (v: unknown): boolean => bsonTypeOf(v) === 'Decimal128';

/** Whether the filter holds a Decimal128 operand anywhere. */
export function hasDecimal(v: unknown): boolean {
  if (isDecimal(v)) return true;
  if (Array.isArray(v)) return v.some(hasDecimal);
  return isPlainObject(v) && Object.values(v).some(hasDecimal);
}

const COMPARE: Record<string, (d: number) => boolean> = {
  $gt: (d) => d > 0, $gte: (d) => d >= 0, $lt: (d) => d < 0, $lte: (d) => d <= 0,
};

/** One field condition `{path: {op: operand}}` with a Decimal128 operand, as mongod evaluates it (numbers only). */
function exactCondition(path: string, op: string, operand: unknown): Test | null {
  const equal = (v: unknown, x: unknown) => isNumber(v) && isNumber(x) ? compareValues(v, x) === 0 : valueKey(v) === valueKey(x);
  if (op in COMPARE && isDecimal(operand)) {
    return (doc) => pathLeaves(doc.fid, path).some((v) => isNumber(v) && COMPARE[op](compareValues(v, operand)));
  }
  if (op === '$eq' && isDecimal(operand)) return (doc) => pathLeaves(doc.fid, path).some((v) => equal(v, operand));
  if (op === '$ne' && isDecimal(operand)) return (doc) => !pathLeaves(doc.fid, path).some((v) => equal(v, operand));
  if ((op === '$in' || op === '$nin') && Array.isArray(operand) && operand.some(isDecimal) && !operand.some((x) => x instanceof RegExp || bsonTypeOf(x) === 'BSONRegExp')) {
    const found = (doc: StoredDoc) => {
      const leaves = pathLeaves(doc.fid, path);
      return leaves.length === 0 ? operand.some((x) => x === null) : leaves.some((v) => operand.some((x) => equal(v, x)));
    };
    return op === '$in' ? found : (doc) => !found(doc);
  }
  return null;
}

/**
 * A test for `filter` that evaluates Decimal128 conditions exactly and hands the rest to `fallback`
 * (mingo), or null when the filter has no Decimal128 operand.
 */
export function exactFilter(filter: Document, fallback: (part: Document) => Test): Test | null {
  if (!hasDecimal(filter)) return null;
  const tests: Test[] = [];
  for (const [key, value] of Object.entries(filter)) {
    if ((key === '$and' || key === '$or' || key === '$nor') && Array.isArray(value)) {
      const parts = (value as Document[]).map((f) => exactFilter(f, fallback) ?? fallback(f));
      tests.push(key === '$and' ? (d) => parts.every((t) => t(d)) : key === '$or' ? (d) => parts.some((t) => t(d)) : (d) => !parts.some((t) => t(d)));
      continue;
    }
    if (key.startsWith('$') || !hasDecimal(value)) {
      tests.push(fallback({ [key]: value }));
      continue;
    }
    const ops: Document = isPlainObject(value) && Object.keys(value).every((k) => k.startsWith('$')) ? value : { $eq: value };
    for (const [op, operand] of Object.entries(ops)) tests.push(exactCondition(key, op, operand) ?? fallback({ [key]: { [op]: operand } }));
  }
  return (d) => tests.every((t) => t(d));
}
