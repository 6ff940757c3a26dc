// What a restore treats as past its TTL, and which index and collection options it leaves out.
import { describe, expect, it } from 'vitest';
import { pastTtl, ttlRules } from '../../../electron/core/restore/ttl';
import { restorableIndexes, restorableOptions } from '../../../electron/core/restore/index-specs';

const now = Date.parse('2026-01-01T00:00:00Z');
const hourAgo = new Date(now - 3_600_000);
const later = new Date(now + 3_600_000);

describe('TTL rules (MongoDB manual, "TTL Indexes")', () => {
  const rules = ttlRules([
    { v: 2, key: { _id: 1 }, name: '_id_' },
    { v: 2, key: { 'session.seen': 1 }, name: 'seen', expireAfterSeconds: 60 },
    { v: 2, key: { a: 1, b: 1 }, name: 'compound', expireAfterSeconds: 0 }, // compound: never expires anything
  ]);

  it('knows only single-field indexes with expireAfterSeconds', () => {
    expect(rules).toEqual([{ field: 'session.seen', seconds: 60, partial: false }]);
  });

  it('expires dates and arrays by their earliest date, never other values', () => {
    expect(pastTtl({ session: { seen: hourAgo } }, rules, now)).toBe(true);
    expect(pastTtl({ session: { seen: later } }, rules, now)).toBe(false);
    expect(pastTtl({ session: { seen: [later, hourAgo] } }, rules, now)).toBe(true);
    expect(pastTtl({ session: [{ seen: later }, { seen: hourAgo }] }, rules, now)).toBe(true);
    expect(pastTtl({ session: { seen: hourAgo.toISOString() } }, rules, now)).toBe(false);
    expect(pastTtl({ a: hourAgo, b: hourAgo }, rules, now)).toBe(false);
    expect(pastTtl({}, rules, now)).toBe(false);
  });
});

describe('options current servers refuse', () => {
  it('leaves out unknown index fields and the server-set v and ns, and says which', () => {
    const { specs, leftOut } = restorableIndexes([
      { v: 1, key: { _id: 1 }, name: '_id_', ns: 'db.c' },
      { v: 1, key: { a: 1 }, name: 'a_1', ns: 'db.c', background: true, safe: null, w: 1 },
      { v: 2, key: { _fts: 'text', _ftsx: 1 }, name: 't', weights: { a: 1 }, textIndexVersion: 3 },
    ]);
    expect(specs).toEqual([{ key: { a: 1 }, name: 'a_1', background: true }, { key: { _fts: 'text', _ftsx: 1 }, name: 't', weights: { a: 1 }, textIndexVersion: 3 }]);
    expect(leftOut).toEqual([{ index: 'a_1', fields: ['safe', 'w'] }]);
  });

  it('leaves out autoIndexId and flags from collection options', () => {
    expect(restorableOptions({ capped: true, size: 4096, autoIndexId: false, flags: 1 })).toEqual({ options: { capped: true, size: 4096 }, leftOut: ['autoIndexId', 'flags'] });
  });
});
