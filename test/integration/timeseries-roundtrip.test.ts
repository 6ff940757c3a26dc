// Time-series collections through backup, export, import, test restore and restore, the way
// mongodump and mongorestore treat them: the data are the buckets (`system.buckets.<name>.bson`), the
// definition is `<name>.metadata.json` with type "timeseries"; a restore makes the collection anew
// and puts its buckets back. Servers are started once for the file.
import fs from 'node:fs/promises';
import path from 'node:path';
import { EJSON } from 'bson';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportSnapshot } from '../../electron/core/export/export';
import { importMongodump } from '../../electron/core/export/import-mongodump';
import type { FolderStore, Repository } from '../../electron/core/repository';
import { restoreVerdict } from '../../electron/core/restore/restore';
import { describeContents, indexSnapshot } from '../../electron/core/restore/snapshot-index';
import { verifyBackup } from '../../electron/core/verify/verify';
import { DB, contentOf, entriesOf, newRepo, removeTempDirs, startServers, tempDir, testContext, type Servers } from '../support/backup';
import { backupNow, planFor, restorePlan } from '../support/restore';

let s: Servers;
let repo: Repository;
let snapshotId: string;
const t0 = new Date('2024-05-01T10:00:00Z');
const readings = Array.from({ length: 30 }, (_, i) => ({ _id: i, at: new Date(t0.getTime() + i * 60_000), sensor: i % 3 === 0 ? 'hall' : 'office', celsius: 18 + (i % 5) }));

const measurements = async () => (await s.mongoClient.db(DB).collection('climate').find({}, { sort: { _id: 1 } }).toArray()).map((m) => ({ ...m }));

beforeAll(async () => {
  s = await startServers();
  const db = s.mongoClient.db(DB);
  await db.collection('files').insertMany([{ _id: 1 as never, name: 'a.pdf' }]);
  await db.createCollection('climate', { timeseries: { timeField: 'at', metaField: 'sensor', granularity: 'minutes' } });
  await db.collection('climate').createIndex({ sensor: 1, at: 1 }, { name: 'sensor_at' });
  await db.collection('climate').insertMany(readings as never[]);
  ({ repo } = await newRepo());
  snapshotId = (await backupNow(repo, s)).snapshotId;
});

afterAll(async () => {
  await s?.close();
  await removeTempDirs();
});

describe('time-series collections', () => {
  it('are backed up as mongodump lays them out: the buckets, and the definition', async () => {
    const entries = new Map((await entriesOf(repo, snapshotId)).map((e) => [e.path, e]));
    const buckets = entries.get(`mongo/${DB}/system.buckets.climate.bson`);
    expect(buckets).toMatchObject({ kind: 'mongo-collection', collection: 'system.buckets.climate' });
    const live = await s.mongoClient.db(DB).collection('system.buckets.climate').find({}, { raw: true, sort: { _id: 1 } }).toArray();
    expect((await contentOf(repo, buckets!)).equals(Buffer.concat(live as unknown as Buffer[]))).toBe(true);
    const meta = EJSON.parse((await contentOf(repo, entries.get(`mongo/${DB}/climate.metadata.json`)!)).toString('utf8')) as { type: string; options: { timeseries: unknown }; indexes: { name: string }[] };
    expect(meta.type).toBe('timeseries');
    expect(meta.options.timeseries).toMatchObject({ timeField: 'at', metaField: 'sensor', granularity: 'minutes' });
    expect(meta.indexes.map((i) => i.name)).toEqual(['sensor_at']);
    expect(entries.has(`mongo/${DB}/climate.bson`)).toBe(false);
    const contents = await describeContents(repo, await indexSnapshot(repo, await repo.readSnapshot(snapshotId)));
    expect(contents.collections.find((c) => c.name === 'climate')).toMatchObject({ kind: 'timeseries', docs: live.length, bytes: (buckets as { size: number }).size });
    expect(contents.collections.map((c) => c.name)).toEqual(['climate', 'files']);
  });

  it('are exported as mongodump writes them, and an export imports back to the same restore point', async () => {
    const out = await tempDir();
    await exportSnapshot(repo, { snapshot: snapshotId, to: out, zip: false }, testContext());
    const files = (await fs.readdir(path.join(out, 'dump', DB))).sort();
    expect(files).toEqual(['climate.metadata.json', 'files.bson', 'files.metadata.json', 'system.buckets.climate.bson']);
    const target = (await newRepo()).repo;
    const imported = await importMongodump(target, { from: path.join(out, 'dump'), profile: 'Office', appVersion: 'test' }, testContext());
    const original = new Map((await entriesOf(repo, snapshotId)).filter((e) => e.kind.startsWith('mongo')).map((e) => [e.path, e]));
    const again = await entriesOf(target, imported.snapshotId);
    expect(again.map((e) => e.path).sort()).toEqual([...original.keys()].sort());
    for (const e of again) expect((await contentOf(target, e)).equals(await contentOf(repo, original.get(e.path)!))).toBe(true);
  });

  it('test-restore into a scratch database without a complaint', async () => {
    const check = await verifyBackup({ store: repo.store as FolderStore, mongo: s.mongoClient }, { snapshot: snapshotId, depth: 'quick', testRestore: true }, testContext());
    expect(check.problems).toEqual([]);
    expect(check.checked.restoredCollections).toBe(2);
  });

  it('restore: previews the time-series collection, makes it anew with its buckets, and checks it', async () => {
    const before = await measurements();
    expect(before).toHaveLength(30);
    await s.mongoClient.db(DB).collection('climate').insertMany([{ _id: 99, at: new Date(), sensor: 'hall', celsius: 40 }] as never[]);
    const plan = await planFor(repo, s, snapshotId);
    const climate = plan.database!.collections.find((c) => c.name === 'climate')!;
    expect(climate).toMatchObject({ kind: 'timeseries', action: 'replace' });
    expect(climate.note).toMatch(/^Time-series collection: restored with its \d+ buckets of measurements; the one there now is removed first/);
    const summary = await restorePlan(repo, s, plan, { safety: { mode: 'skip' } });
    expect(restoreVerdict(summary)).toBeNull();
    expect(summary.database.restored.map((r) => r.name).sort()).toEqual(['climate', 'files']);
    expect(summary.verification!.collections.find((c) => c.name === 'climate')).toMatchObject({ sampleOk: true, indexesOk: true });
    expect(await measurements()).toEqual(before);
    const listed = await s.mongoClient.db(DB).listCollections({ name: 'climate' }).toArray();
    expect(listed[0].type).toBe('timeseries');
    expect((await s.mongoClient.db(DB).collection('climate').listIndexes().toArray()).map((i) => i.name)).toEqual(['sensor_at']);
  });
});
