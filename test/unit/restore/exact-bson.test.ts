// decodeExact: a document is accepted only with a JS value that the driver serializes back to its
// very bytes, and a refused one says why in the restore's words.
import { BSON } from 'bson';
import { describe, expect, it } from 'vitest';
import { decodeExact, inexactError, InexactTally, KEEP_TYPES } from '../../../electron/core/restore/exact-bson';
import { bsontypeDocument, exactDocuments, inexactDocuments } from '../../support/hostile-bson';

const DRIVER = { checkKeys: false, ignoreUndefined: false, serializeFunctions: false } as const;

describe('decodeExact', () => {
  it('accepts documents a plain decode would alter, with a value that serializes to the same bytes', () => {
    for (const d of [...exactDocuments(), { name: '_bsontype', bytes: bsontypeDocument() }]) {
      const decoded = decodeExact(d.bytes);
      expect(decoded.ok, d.name).toBe(true);
      if (decoded.ok) expect(Buffer.from(BSON.serialize(decoded.doc, DRIVER)).equals(d.bytes), d.name).toBe(true);
    }
    // The cases a plain deserialize → serialize gets wrong, which is why the walk exists.
    const plain = (b: Buffer) => { try { return Buffer.from(BSON.serialize(BSON.deserialize(b, KEEP_TYPES), DRIVER)).equals(b); } catch { return false; } };
    expect(exactDocuments().filter((d) => !plain(d.bytes)).map((d) => d.name)).toEqual(['integer-like keys', 'integer-like keys at the top']);
    expect(plain(bsontypeDocument())).toBe(false);
  });

  it('refuses each value the driver cannot write back, naming it', () => {
    for (const d of inexactDocuments()) {
      const decoded = decodeExact(d.bytes);
      expect(decoded.ok, d.name).toBe(false);
      if (!decoded.ok) {
        const tally = new InexactTally();
        tally.add('c', decoded.kinds);
        expect(inexactError(tally.collections).message, d.name).toContain(d.kind);
      }
    }
  });

  it('words the refusal in plain sentences, one per collection', () => {
    const tally = new InexactTally();
    tally.add('files', ['undefined']);
    tally.add('files', ['undefined', 'date-range']);
    tally.add('logs', ['dbpointer']);
    const e = inexactError(tally.collections).toJSON();
    expect(e.message).toBe(`2 documents in the collection "files" hold values this restore cannot write back exactly: 'undefined' values and dates outside JavaScript's range. 1 document in the collection "logs" holds values this restore cannot write back exactly: DBPointer values. Nothing was changed.`);
    expect(e.hint).toContain('those collections with mongorestore');
  });
});
