// The pure rules of verification: which stored sizes are plausible, how repository errors map to problem
// codes, mongodump's metadata rules, BSON chunk parsing, and the rotating sample slices.
import { BSON, EJSON } from 'bson';
import { describe, expect, it } from 'vitest';
import { UserError } from '../../../shared/errors';
import { backupDamaged } from '../../../electron/core/repository/errors';
import { checkBsonChunk, metadataProblems } from '../../../electron/core/verify/bson-check';
import { classifyBlobError, classifySnapshotError, plausibleStoredSize } from '../../../electron/core/verify/problems';
import { ID_SPACE, inSlice, positionOf, sliceLength } from '../../../electron/core/verify/sample';

const file = 'blobs/ab/' + 'ab'.repeat(32);

describe('stored sizes', () => {
  it('accepts raw (exact) and gzip (within the format rule) sizes, nothing else', () => {
    expect(plausibleStoredSize(1001, 1000, false)).toBe(true);
    expect(plausibleStoredSize(1029, 1000, true)).toBe(true);
    expect(plausibleStoredSize(500, 1000, false)).toBe(true);
    expect(plausibleStoredSize(990, 1000, false)).toBe(false); // saves < 3 %: a writer would have stored it raw
    expect(plausibleStoredSize(5, 1000, false)).toBe(false);
    expect(plausibleStoredSize(1002, 1000, false)).toBe(false);
  });
});

describe('problem codes', () => {
  it('maps the repository layer\'s damage to precise codes', () => {
    const code = (why: string, shape?: { length: number; flag: number }) => classifyBlobError(backupDamaged(file, why), 1000, shape, false)?.code;
    expect(code('the file is missing')).toBe('missing');
    expect(code('content does not match its id (got 00)')).toBe('hash-mismatch');
    expect(code('content does not match its id (got 00)', { length: 400, flag: 0 })).toBe('wrong-size');
    expect(code('content does not match its id (got 00)', { length: 1001, flag: 0 })).toBe('hash-mismatch');
    expect(code('authentication failed (the content was changed or corrupted)')).toBe('cannot-decrypt');
    expect(code('the compressed data cannot be read')).toBe('cannot-decompress');
    expect(code('unknown encoding flag 0x7')).toBe('damaged');
    expect(classifyBlobError(new UserError({ code: 'DEST_NOT_FOUND', title: '', message: '', hint: '' }), 1, undefined, false)).toBeNull();
    expect(classifySnapshotError(backupDamaged('snapshots/x', 'names itself y'))?.code).toBe('snapshot-replaced');
    expect(classifySnapshotError(backupDamaged('snapshots/x', 'not valid JSON'))?.code).toBe('snapshot-damaged');
  });
});

describe('mongodump metadata rules', () => {
  const good = { indexes: [{ v: 2, key: { _id: 1 }, name: '_id_' }], uuid: '0123456789abcdef0123456789abcdef', collectionName: 'files', type: 'collection', options: {} };
  const bytes = (o: unknown) => Buffer.from(EJSON.stringify(o, { relaxed: false }));
  it('accepts what mongodump writes, views included', () => {
    expect(metadataProblems(bytes(good), 'files')).toEqual([]);
    expect(metadataProblems(bytes({ indexes: [], collectionName: 'v', type: 'view', options: { viewOn: 'files', pipeline: [] } }), 'v')).toEqual([]);
  });
  it('names what is wrong', () => {
    expect(metadataProblems(Buffer.from('{not json'))[0]).toMatch(/not valid Extended JSON/);
    expect(metadataProblems(bytes({ ...good, indexes: [{ name: 'x' }] }))).toEqual(['index 1 has no key']);
    expect(metadataProblems(bytes({ ...good, uuid: 'xyz', extra: 1 }), 'other')).toEqual(['unknown field "extra"', '"uuid" is not 32 hex digits', '"collectionName" is "files", not "other"']);
    expect(metadataProblems(bytes({ indexes: [], type: 'view', options: {} }))).toEqual(['a view without "options.viewOn"']);
    expect(metadataProblems(Buffer.from([0xff, 0xfe]))[0]).toMatch(/not valid Extended JSON/);
  });
});

describe('BSON chunks', () => {
  it('parses document by document and says where it breaks', () => {
    const doc = BSON.serialize({ a: 1, s: 'x' });
    expect(checkBsonChunk(Buffer.concat([doc, doc, doc]))).toEqual({ ok: true, docs: 3 });
    expect(checkBsonChunk(Buffer.alloc(0))).toEqual({ ok: true, docs: 0 });
    const cut = checkBsonChunk(Buffer.concat([doc, doc.subarray(0, 9)]));
    expect(cut).toMatchObject({ ok: false, docs: 1 });
    const badUtf8 = Buffer.from(doc);
    badUtf8[badUtf8.indexOf('x')] = 0xff;
    expect(checkBsonChunk(badUtf8)).toMatchObject({ ok: false, docs: 0, why: expect.stringContaining('document 1') });
  });
});

describe('sample slices', () => {
  it('tile the id space: 100/p consecutive slices cover every position once (the last one overlaps by a few)', () => {
    const len = sliceLength(10);
    const ids = Array.from({ length: 2000 }, (_, i) => ((i * 2654435761) >>> 0).toString(16).padStart(8, '0') + '0'.repeat(56));
    const hits = new Map<string, number>();
    for (let k = 0; k < 10; k++) for (const id of ids) if (inSlice(id, { from: (k * len) % ID_SPACE, length: len })) hits.set(id, (hits.get(id) ?? 0) + 1);
    expect(hits.size).toBe(ids.length);
    const overlap = 10 * len - ID_SPACE; // the last slice reaches a few positions into the first
    for (const [id, n] of hits) expect(n).toBe(positionOf(id) < overlap ? 2 : 1);
    expect(inSlice('ff'.repeat(32), { from: ID_SPACE - 10, length: 20 })).toBe(true); // wraps around
    expect(sliceLength(100)).toBe(ID_SPACE);
  });
});
