// The support bundle's scrubber: known secrets, secret-named fields, access key ids kept recognisable,
// and file names removed from structured data and free text (longest known name first).
import { describe, expect, it } from 'vitest';
import { NAME_REMOVED, NameMatcher, collectNames } from '../../../electron/core/bundle/names';
import { Scrubber, zero } from '../../../electron/core/bundle/scrub';

describe('names', () => {
  it('replaces known names (longest first) and the tails of logical paths', () => {
    const m = new NameMatcher();
    collectNames({ missing: { items: [{ key: 'docs/a b.pdf' }, { key: 'docs/a b.pdf.bak' }] }, problems: [{ path: 'r2/bucket/photos/cat.jpg' }], x: 'ab' }, m);
    m.add('ab'); // too short to search for
    expect(m.size).toBe(3);
    const r = m.replace('lost docs/a b.pdf.bak and docs/a b.pdf; photos/cat.jpg; see r2/other/z.txt; ab');
    expect(r.text).toBe(`lost ${NAME_REMOVED} and ${NAME_REMOVED}; ${NAME_REMOVED}; see r2/other/${NAME_REMOVED} ab`);
    expect(r.count).toBe(4);
  });
});

describe('scrubber', () => {
  it('removes secrets by value and by field name, and names unless they are wanted', () => {
    const names = new NameMatcher();
    names.add('clients/Jane.pdf');
    const value = { r2: { accessKeyId: 'AKID1234567890', bucket: 'b' }, mongoUri: 'mongodb://h/db', note: 'used s3cr3t-value for clients/Jane.pdf', items: [{ key: 'clients/Jane.pdf', size: 3 }], path: 'r2/b/clients/Jane.pdf' };
    const counts = zero();
    const out = new Scrubber(['s3cr3t-value'], names).value(value, counts);
    expect(out).toEqual({ r2: { accessKeyId: 'AKID…', bucket: 'b' }, mongoUri: '[REDACTED]', note: `used [REDACTED] for ${NAME_REMOVED}`, items: [{ key: NAME_REMOVED, size: 3 }], path: `r2/b/${NAME_REMOVED}` });
    expect(counts).toEqual({ secrets: 1, patterns: 2, names: 3 });
    const kept = new Scrubber(['s3cr3t-value'], null).value(value, zero()) as typeof value;
    expect(kept.items[0].key).toBe('clients/Jane.pdf');
    expect(new Scrubber(['s3cr3t-value'], null).leftovers('x s3cr3t-value')).toBe(1);
  });
});
