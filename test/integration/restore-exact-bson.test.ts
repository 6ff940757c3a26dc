// Hostile BSON through backup → verify --test-restore → restore (issue 21, item 4), compared byte for
// byte with an independent reader: documents sent as raw bytes over a plain socket, read back raw.
// Documents the driver can carry come back byte-identical; those it cannot (undefined, DBPointer,
// duplicate fields, arrays numbered "5","2", dates of ±2^62 ms, regex flags "xmi") make the test
// restore report a problem and the restore refuse before anything changes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Document } from 'mongodb';
import { FolderStore, type Repository } from '../../electron/core/repository';
import { stageCollection, writeLimits } from '../../electron/core/restore/mongo-restore';
import { restoreVerdict } from '../../electron/core/restore/restore';
import { indexSnapshot, readMetadata } from '../../electron/core/restore/snapshot-index';
import { verifyBackup } from '../../electron/core/verify/verify';
import { UserError } from '../../shared/errors';
import { DB, contentOf, entriesOf, everyType, newRepo, removeTempDirs, startServers, testContext, type Servers } from '../support/backup';
import { exactDocuments, inexactDocuments, insertRawDocuments } from '../support/hostile-bson';
import { backupNow, collectionNames, planFor, restorePlan } from '../support/restore';

let s: Servers;
let repo: Repository;
let dir: string;
let snapshotId: string;
const exact = exactDocuments();
const inexact = inexactDocuments();

/** Documents as a multiset of byte strings: the order a server returns them in is not the point. */
const sorted = (docs: Buffer[]) => docs.map((d) => d.toString('hex')).sort();
const rawOf = async (collection: string) => (await s.mongoClient.db(DB).collection(collection).find({}, { raw: true }).toArray()) as unknown as Buffer[];
function split(data: Buffer): Buffer[] {
  const out: Buffer[] = [];
  for (let at = 0; at < data.length; at += data.readInt32LE(at)) out.push(data.subarray(at, at + data.readInt32LE(at)));
  return out;
}
const backedUp = async (collection: string) => split(await contentOf(repo, (await entriesOf(repo, snapshotId)).find((e) => e.path === `mongo/${DB}/${collection}.bson`)!));

beforeAll(async () => {
  s = await startServers();
  await insertRawDocuments(s.mongo.host, s.mongo.port, DB, 'exact', exact.map((d) => d.bytes));
  await insertRawDocuments(s.mongo.host, s.mongo.port, DB, 'inexact', inexact.map((d) => d.bytes));
  await s.mongoClient.db(DB).collection('plain').insertMany(Array.from({ length: 20 }, (_, i) => everyType(i)));
  ({ repo, dir } = await newRepo());
  snapshotId = (await backupNow(repo, s)).snapshotId;
});

afterAll(async () => {
  await s?.close();
  await removeTempDirs();
});

describe('hostile BSON, byte for byte', () => {
  it('is stored, read back and backed up exactly as sent', async () => {
    expect(sorted(await rawOf('exact'))).toEqual(sorted(exact.map((d) => d.bytes)));
    expect(sorted(await rawOf('inexact'))).toEqual(sorted(inexact.map((d) => d.bytes)));
    expect(sorted(await backedUp('exact'))).toEqual(sorted(exact.map((d) => d.bytes)));
    expect(sorted(await backedUp('inexact'))).toEqual(sorted(inexact.map((d) => d.bytes)));
  });

  it('fails the test restore for the collection a restore would change, and only for it', async () => {
    const r = await verifyBackup({ store: new FolderStore(dir), mongo: s.mongoClient }, { snapshot: snapshotId, depth: 'full', testRestore: true }, testContext());
    expect(r.ok).toBe(false);
    expect(r.problems.map((p) => [p.code, p.path])).toEqual([['restore-not-exact', `mongo/${DB}/inexact.bson`]]);
    const message = r.problems[0].message;
    expect(message).toContain(`${inexact.length} documents in the collection "inexact" hold values this restore cannot write back exactly`);
    for (const kind of new Set(inexact.map((d) => d.kind))) expect(message).toContain(kind);
    expect(r.checked.restoredCollections).toBe(3);
    expect((await s.mongoClient.db(DB).listCollections().toArray()).map((c) => c.name).filter((n) => n.startsWith('pcimaint_'))).toEqual([]);
  });

  it('refuses the restore before the safety backup, with every collection as it was', async () => {
    const db = s.mongoClient.db(DB);
    await db.collection<{ _id: string } & Document>('exact').updateOne({ _id: 'ordinary' }, { $set: { changed: true } });
    await db.collection('plain').deleteMany({});
    const now = { exact: sorted(await rawOf('exact')), inexact: sorted(await rawOf('inexact')), plain: sorted(await rawOf('plain')) };
    const snapshots = (await repo.listSnapshots()).length;

    const plan = await planFor(repo, s, snapshotId);
    // The preview says it first, before any confirmation or safety backup.
    expect(plan.warnings.filter((w) => /cannot write back exactly/.test(w))).toEqual([expect.stringMatching(/^7 documents in the collection "inexact" hold values .* unless "inexact" is left out/)]);
    const err = await restorePlan(repo, s, plan).then(() => null, (e: unknown) => e);
    expect(err).toBeInstanceOf(UserError);
    const e = (err as UserError).toJSON();
    expect(e.message).toBe(
      `${inexact.length} documents in the collection "inexact" hold values this restore cannot write back exactly: 'undefined' values, DBPointer values, duplicate field names, lists whose positions are not numbered 0, 1, 2…, dates outside JavaScript's range and regular expressions whose flags are not in alphabetical order. Nothing was changed.`,
    );
    expect(e.hint).toMatch(/Restore the other collections only.*mongodump folder.*mongorestore, which writes documents byte for byte/);
    expect(e.hint).not.toMatch(/again/);

    expect({ exact: sorted(await rawOf('exact')), inexact: sorted(await rawOf('inexact')), plain: sorted(await rawOf('plain')) }).toEqual(now);
    expect((await repo.listSnapshots()).length).toBe(snapshots); // no safety backup was needed
    expect(await collectionNames(s)).toEqual(['exact', 'inexact', 'plain']);
  });

  it('restores the other collections byte-identical, including _id null and integer-like keys', async () => {
    const plan = await planFor(repo, s, snapshotId, { collections: ['exact', 'plain'], bucket: false });
    expect(plan.warnings.filter((w) => /cannot write back exactly/.test(w))).toEqual([]);
    const summary = await restorePlan(repo, s, plan, { safety: { mode: 'skip' } });
    expect(restoreVerdict(summary)).toBeNull();
    expect(sorted(await rawOf('exact'))).toEqual(sorted(exact.map((d) => d.bytes)));
    expect(sorted(await rawOf('plain'))).toEqual(sorted(await backedUp('plain')));
    expect(sorted(await rawOf('inexact'))).toEqual(sorted(inexact.map((d) => d.bytes)));
  });

  it('stops at staging too, before the collection could be switched in', async () => {
    const index = await indexSnapshot(repo, await repo.readSnapshot(snapshotId));
    const db = s.mongoClient.db(DB);
    const meta = await readMetadata(repo, index.metadata.get('inexact'));
    const temps: string[] = [];
    const staging = stageCollection(repo, db, 'run1', index.collections.get('inexact')!, meta, await writeLimits(db), testContext(), () => undefined, undefined, (t) => temps.push(t));
    await expect(staging).rejects.toMatchObject({ code: 'NOT_AVAILABLE', message: expect.stringContaining('Nothing was changed.') });
    for (const t of temps) await db.collection(t).drop();
    expect(sorted(await rawOf('inexact'))).toEqual(sorted(inexact.map((d) => d.bytes)));
  });
});
