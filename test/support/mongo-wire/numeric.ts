// Exact numeric values for the TEST DOUBLE: MongoDB compares int32, int64, double and decimal128 by
// their exact values (a Decimal128 "0.1" is not the double 0.1, and two decimals that differ in the
// 34th digit are different `_id`s). JS numbers cannot hold that, so such values become reduced
// fractions of BigInts here.
import { bsonTypeOf } from './values';

export type Exact = { kind: 'finite'; p: bigint; q: bigint } | { kind: 'nan' } | { kind: 'inf'; negative: boolean };

const abs = (n: bigint): bigint => (n < 0n ? -n : n);

function gcd(a: bigint, b: bigint): bigint {
  let [x, y] = [abs(a), abs(b)];
  while (y) [x, y] = [y, x % y];
  return x || 1n;
}

function fraction(p: bigint, q: bigint): Exact {
  const g = gcd(p, q);
  return { kind: 'finite', p: p / g, q: q / g };
}

/** The exact value of an IEEE-754 double (every finite double is a fraction with a power-of-two denominator). */
function ofDouble(n: number): Exact {
  if (Number.isNaN(n)) return { kind: 'nan' };
  if (!Number.isFinite(n)) return { kind: 'inf', negative: n < 0 };
  if (Number.isSafeInteger(n)) return { kind: 'finite', p: BigInt(n), q: 1n };
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, n);
  const bits = view.getBigUint64(0);
  const negative = bits >> 63n === 1n;
  const exponent = Number((bits >> 52n) & 0x7ffn);
  const fractionBits = bits & ((1n << 52n) - 1n);
  const mantissa = exponent === 0 ? fractionBits : fractionBits | (1n << 52n);
  const power = (exponent === 0 ? 1 : exponent) - 1075;
  const signed = negative ? -mantissa : mantissa;
  return power >= 0 ? { kind: 'finite', p: signed << BigInt(power), q: 1n } : fraction(signed, 1n << BigInt(-power));
}

/** The exact value of a decimal string as Decimal128 prints it ("-1.50E+3", "NaN", "-Infinity"). */
export function ofDecimalString(s: string): Exact {
  if (/^-?NaN$/i.test(s)) return { kind: 'nan' };
  if (/^[+-]?Inf(inity)?$/i.test(s)) return { kind: 'inf', negative: s.startsWith('-') };
  const m = /^([+-])?(\d*)(?:\.(\d*))?(?:E([+-]?\d+))?$/i.exec(s);
  if (!m) return { kind: 'nan' };
  const digits = `${m[2] ?? ''}${m[3] ?? ''}` || '0';
  const exponent = Number(m[4] ?? 0) - (m[3] ?? '').length;
  const p = BigInt(digits) * (m[1] === '-' ? -1n : 1n);
  return exponent >= 0 ? { kind: 'finite', p: p * 10n ** BigInt(exponent), q: 1n } : fraction(p, 10n ** BigInt(-exponent));
}

/** The exact value of any numeric BSON value (or JS number / bigint). */
export function exactOf(v: unknown): Exact {
  if (typeof v === 'bigint') return { kind: 'finite', p: v, q: 1n };
  if (typeof v === 'number') return ofDouble(v);
  switch (bsonTypeOf(v)) {
    case 'Long': return { kind: 'finite', p: (v as { toBigInt(): bigint }).toBigInt(), q: 1n };
    case 'Decimal128': return ofDecimalString(String(v));
    case 'Int32': case 'Double': return ofDouble((v as { value: number }).value);
    default: return { kind: 'nan' };
  }
}

/** MongoDB's numeric order: NaN first, then -Infinity, the finite values, +Infinity. */
export function compareExact(a: Exact, b: Exact): number {
  const rank = (x: Exact): number => (x.kind === 'nan' ? 0 : x.kind === 'inf' ? (x.negative ? 1 : 3) : 2);
  const d = rank(a) - rank(b);
  if (d || a.kind !== 'finite' || b.kind !== 'finite') return d;
  const l = a.p * b.q;
  const r = b.p * a.q;
  return l < r ? -1 : l > r ? 1 : 0;
}

/** Equal for exactly equal values (5, 5.0, Long(5), Decimal128("5.00") share one key; -0 is 0). */
export function exactKey(v: unknown): string {
  const x = exactOf(v);
  if (x.kind === 'nan') return 'NaN';
  if (x.kind === 'inf') return x.negative ? '-Infinity' : 'Infinity';
  return x.q === 1n ? x.p.toString() : `${x.p}/${x.q}`;
}
