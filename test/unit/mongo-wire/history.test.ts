// The test double's version log: a read at a cluster time undoes exactly the changes made after it.
import { BSON, Timestamp } from 'bson';
import { describe, expect, it } from 'vitest';
import { VersionLog, tsKey } from '../../support/mongo-wire/history';
import { StoredDoc } from '../../support/mongo-wire/storage';

function clockAt(start: number) {
  let i = 0;
  return { next: () => new Timestamp({ t: start, i: ++i }), now: () => new Timestamp({ t: start, i }) };
}
const doc = (id: number, v: string) => new StoredDoc(Buffer.from(BSON.serialize({ _id: id, v })));
const view = (docs: StoredDoc[]) => docs.map((d) => d.fid).sort((a, b) => Number(a._id) - Number(b._id)).map((d) => `${d._id}:${d.v}`);

describe('VersionLog', () => {
  it('undoes inserts, replacements and deletes made after the read time, in any combination', () => {
    const second = Math.floor(Date.now() / 1000);
    const clock = clockAt(second);
    const log = new VersionLog(clock.next, () => 300, 0n);
    const current = new Map<string, StoredDoc>();
    const put = (d: StoredDoc, before?: StoredDoc) => {
      log.record(String(d.fid._id), before);
      current.set(String(d.fid._id), d);
    };
    const del = (id: number) => {
      log.record(String(id), current.get(String(id)));
      current.delete(String(id));
    };
    put(doc(1, 'a'));
    put(doc(2, 'b'));
    const t = tsKey(clock.now());
    put(doc(3, 'c')); // inserted after
    put(doc(1, 'a2'), current.get('1')); // replaced after
    put(doc(2, 'b2'), current.get('2')); // replaced, then deleted after
    del(2);
    put(doc(3, 'c2'), current.get('3')); // inserted and replaced after
    expect(view(log.docsAt(current, t))).toEqual(['1:a', '2:b']);
    expect(view(log.docsAt(current, tsKey(clock.now())))).toEqual(['1:a2', '3:c2']);
  });

  it('refuses a read before the collection existed (SnapshotUnavailable)', () => {
    const second = Math.floor(Date.now() / 1000);
    const log = new VersionLog(() => new Timestamp({ t: second, i: 9 }), () => 300, tsKey(new Timestamp({ t: second, i: 5 })));
    expect(() => log.docsAt(new Map(), tsKey(new Timestamp({ t: second, i: 4 })))).toThrow(/pending collection catalog changes/);
  });
});
