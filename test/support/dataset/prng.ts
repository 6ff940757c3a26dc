// Seeded pseudo-random numbers for the dataset: the same seed always gives the same data. Each part of
// the dataset draws from its own named stream, so adding activity entries never changes file keys.
import { createHash } from 'node:crypto';
import { ObjectId } from 'mongodb';

/** Dates are fixed, not relative to today, so that a seed means the same data on every day. */
export const REFERENCE_NOW = new Date('2025-06-30T12:00:00Z');

export class Prng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  /** `label` names an independent stream derived from `seed`. */
  constructor(seed: number | string, label = '') {
    const h = createHash('sha256').update(`${seed}\u0000${label}`).digest();
    [this.a, this.b, this.c, this.d] = [h.readUInt32LE(0), h.readUInt32LE(4), h.readUInt32LE(8), h.readUInt32LE(12)];
  }

  /** sfc32: small, fast, and good enough for test data. */
  next(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return (t >>> 0) / 4294967296;
  }

  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)];
  }

  /** Sizes of real files: many small ones, a long tail of big ones. */
  logUniform(min: number, max: number): number {
    return Math.round(Math.exp(Math.log(min) + this.next() * (Math.log(max) - Math.log(min))));
  }

  bytes(n: number): Buffer {
    const out = Buffer.alloc(n);
    for (let i = 0; i < n; i++) out[i] = Math.floor(this.next() * 256);
    return out;
  }

  hex(bytes: number): string {
    return this.bytes(bytes).toString('hex');
  }

  uuid(): string {
    const b = this.bytes(16);
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    const h = b.toString('hex');
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  }

  /** `n` distinct items in random order (Fisher–Yates, so the order is the same on every engine). */
  sample<T>(items: readonly T[], n: number): T[] {
    const copy = [...items];
    for (let i = copy.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      [copy[i], copy[j]] = [copy[j], copy[i]];
    }
    return copy.slice(0, n);
  }

  /** An ObjectId whose timestamp is `when`, as the server would have made it then. */
  objectIdAt(when: Date): ObjectId {
    const b = Buffer.alloc(12);
    b.writeUInt32BE(Math.floor(when.getTime() / 1000), 0);
    this.bytes(8).copy(b, 4);
    return new ObjectId(b);
  }

  /** A date uniformly between two others, to the millisecond. */
  date(from: Date, to: Date): Date {
    return new Date(from.getTime() + Math.floor(this.next() * (to.getTime() - from.getTime())));
  }
}
