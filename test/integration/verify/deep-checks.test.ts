// The deeper checks: database chunks parsed and counted, metadata held to mongodump's rules, sampled
// verification rotating until it has read everything, and the test restore into scratch collections
// that is dropped afterwards — also when the run is cancelled.
import path from 'node:path';
import { BSON } from 'bson';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FolderStore, Repository } from '../../../electron/core/repository';
import { openHistoryDb } from '../../../electron/core/history/db';
import { VerifyStateStore } from '../../../electron/core/verify/state';
import { verifyBackup } from '../../../electron/core/verify/verify';
import { removeTempDirs, tempDir, testContext } from '../../support/backup';
import { copyOf, makeFixture, PROFILE, type Fixture } from './fixture';

let fx: Fixture;
beforeAll(async () => {
  fx = await makeFixture();
});
afterAll(async () => {
  await fx?.servers.close();
  await removeTempDirs();
});

/** Scratch collections (and the run registration) left in the database, and any scratch database. */
async function scratchLeft(): Promise<string[]> {
  const { databases } = await fx.servers.mongoClient.db('admin').admin().listDatabases();
  const collections = await fx.servers.mongoClient.db('pcifiles').listCollections({}, { nameOnly: true }).toArray();
  return [...databases.map((d) => d.name), ...collections.map((c) => c.name)].filter((n) => n.startsWith('pcimaint_'));
}

describe('deep checks', () => {
  it('parses database chunks document by document and checks metadata files', async () => {
    const dir = await copyOf(fx);
    const repo = await Repository.open(new FolderStore(dir));
    const w = repo.createManifestWriter();
    const doc = BSON.serialize({ _id: 1, name: 'a' });
    const broken = Buffer.from(doc);
    broken[4] = 0x99; // an element type that does not exist
    const counted = await w.putBlob(Buffer.concat([doc, doc]));
    const garbled = await w.putBlob(Buffer.concat([doc, broken]));
    const meta = await w.putBlob(Buffer.from('{"indexes":"none","collectionName":"wrong"}'));
    await w.add({ kind: 'mongo-collection', path: 'mongo/db/counted.bson', db: 'db', collection: 'counted', docs: 3, size: counted.size, chunks: [{ id: counted.id, size: counted.size, docs: 3 }] });
    await w.add({ kind: 'mongo-collection', path: 'mongo/db/garbled.bson', db: 'db', collection: 'garbled', docs: 2, size: garbled.size, chunks: [{ id: garbled.id, size: garbled.size, docs: 2 }] });
    await w.add({ kind: 'mongo-metadata', path: 'mongo/db/garbled.metadata.json', db: 'db', collection: 'garbled', size: meta.size, chunks: [{ id: meta.id, size: meta.size }] });
    const header = await w.finish({ tags: ['manual'], profile: PROFILE, appVersion: 'test', consistency: 'best-effort' });

    const quick = await verifyBackup({ store: new FolderStore(dir) }, { snapshot: header.id, depth: 'quick' }, testContext());
    expect(quick.ok).toBe(true); // every piece is there with a plausible size: only reading finds these
    const r = await verifyBackup({ store: new FolderStore(dir) }, { snapshot: header.id, depth: 'full' }, testContext());
    const found = r.problems.map((p) => ({ code: p.code, path: p.path, blob: p.blob }));
    expect(found).toEqual(
      expect.arrayContaining([
        { code: 'count-mismatch', path: 'mongo/db/counted.bson', blob: counted.id },
        { code: 'bson-parse-error', path: 'mongo/db/garbled.bson', blob: garbled.id },
        { code: 'metadata-invalid', path: 'mongo/db/garbled.metadata.json', blob: meta.id },
      ]),
    );
    expect(r.problemCount).toBe(3);
    expect(r.problems.find((p) => p.code === 'bson-parse-error')!.message).toContain('document 2');
  });

  it('sampled verification reads a new slice each run and has read everything after 100/p runs', async () => {
    const state = new VerifyStateStore(openHistoryDb(path.join(await tempDir(), 'history.sqlite')));
    const all = await verifyBackup({ store: new FolderStore(fx.dir) }, { snapshot: 'latest', depth: 'full', onBlobRead: () => undefined }, testContext());
    const everything = new Set<string>();
    await verifyBackup({ store: new FolderStore(fx.dir) }, { snapshot: 'latest', depth: 'full', onBlobRead: (id) => everything.add(id) }, testContext());
    expect(everything.size).toBe(all.checked.blobsRead);

    const seen = new Map<string, number>();
    const perRun: number[] = [];
    for (let run = 1; run <= 10; run++) {
      const r = await verifyBackup(
        { store: new FolderStore(fx.dir) },
        { snapshot: 'latest', depth: 'sampled', slice: (repoId) => state.nextSlice(repoId, 10), onBlobRead: (id) => seen.set(id, (seen.get(id) ?? 0) + 1) },
        testContext(),
      );
      expect(r.ok).toBe(true);
      perRun.push(r.checked.blobsRead);
      const coverage = state.advance(r.repoId, r.slice!, new Date(Date.UTC(2025, 0, run)).toISOString());
      if (run < 10) expect(coverage).toMatchObject({ coveredPercent: run * 10, lastCompleteAt: null });
      else expect(coverage.lastCompleteAt).toBe('2025-01-10T00:00:00.000Z');
    }
    expect(new Set(seen.keys())).toEqual(everything);
    expect([...seen.values()].every((n) => n === 1)).toBe(true); // slices do not overlap: nothing read twice
    expect(Math.max(...perRun)).toBeLessThan(everything.size);
  });

  it('test-restores the database into scratch collections, compares them, and drops them', async () => {
    const r = await verifyBackup({ store: new FolderStore(fx.dir), mongo: fx.servers.mongoClient }, { snapshot: 'latest', depth: 'quick', testRestore: true }, testContext());
    expect(r.problems).toEqual([]);
    expect(r.checked).toMatchObject({ restoredCollections: 2, restoredDocuments: 121 });
    expect(await scratchLeft()).toEqual([]);
  });

  it('drops the scratch collections when the test restore is cancelled', async () => {
    const ctx = testContext();
    const onProgress = ctx.onProgress;
    ctx.onProgress = (u) => {
      onProgress(u);
      if (u.done && u.message === `pcifiles.files`) ctx.controller.abort();
    };
    await expect(verifyBackup({ store: new FolderStore(fx.dir), mongo: fx.servers.mongoClient }, { snapshot: 'latest', depth: 'quick', testRestore: true }, ctx)).rejects.toThrow();
    expect(ctx.progress.some((p) => p.message === 'pcifiles.files')).toBe(true);
    expect(await scratchLeft()).toEqual([]);
  });
});
