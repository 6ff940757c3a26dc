// Backup → a bad upgrade changes the database and the bucket → restore → the database and the bucket
// equal the restore point byte for byte (raw BSON, indexes, options, views; object bytes, content
// types, metadata); the safety backup taken first restores the changed state back. A partial restore
// of one collection leaves everything else untouched.
import { describe, expect, it } from 'vitest';
import { FolderStore, Repository } from '../../electron/core/repository';
import { restoreVerdict } from '../../electron/core/restore/restore';
import { BUCKET, DB, contentOf, entriesOf, type Servers } from '../support/backup';
import { badUpgrade, captureState, withBackedUpInstallation, collectionNames, multipartUploads, planFor, restorePlan } from '../support/restore';

let s: Servers;
let repo: Repository;
let dir: string;
let before: Awaited<ReturnType<typeof captureState>>;
let snapshotId: string;

withBackedUpInstallation((i) => ({ s, repo, dir, before, snapshotId } = i));

describe('restore after a bad upgrade', () => {
  it('previews in numbers, restores byte for byte, proves it, and can be undone', async () => {
    await badUpgrade(s);
    const changed = await captureState(s);

    const plan = await planFor(repo, s, snapshotId);
    const byName = Object.fromEntries(plan.database!.collections.map((c) => [c.name, c]));
    expect(byName.files).toMatchObject({ action: 'replace', docsNow: 150, docsInSnapshot: 150 });
    expect(byName.users).toMatchObject({ action: 'create', docsNow: null, docsInSnapshot: 8 });
    expect(byName.activity).toMatchObject({ action: 'replace', docsNow: 1000, docsInSnapshot: 1400 });
    expect(byName.activeFiles).toMatchObject({ action: 'view' });
    expect(plan.database!.kept).toEqual([{ name: 'upgrade_log', docs: 1 }]);
    const reasons = Object.fromEntries(plan.bucket!.put.items.map((p) => [p.key, p.reason]));
    expect(reasons).toEqual({ 'big/video.bin': 'missing', 'docs/notes.txt': 'changed', 'docs/report.pdf': 'missing', 'img/logo.png': 'metadata', 'img/photo.jpg': 'changed' });
    expect(plan.bucket!.unchanged.count).toBe(2);
    expect(plan.bucket!.extra.items.map((e) => e.key)).toEqual(['new/upload-1.bin', 'new/upload-2.bin']);
    expect(JSON.parse(JSON.stringify(plan))).toEqual(plan); // a plain value: what the UI shows is what runs

    const summary = await restorePlan(repo, s, plan, { removeExtra: true });
    expect(restoreVerdict(summary)).toBeNull();
    expect(summary.stage).toBe('done');
    expect(summary.database.restored.map((r) => r.name).sort()).toEqual(['activity', 'files', 'users']);
    expect(summary.database.views).toEqual(['activeFiles']);
    expect(summary.bucket).toMatchObject({ put: 5, removed: 2, failed: [], notDone: 0 });
    expect(summary.verification).toMatchObject({ ok: true, objects: { expected: 7, present: 7 } });
    expect(summary.verification!.collections.every((c) => c.sampleOk && c.indexesOk && c.found === c.expected)).toBe(true);

    // Byte for byte as before the upgrade; upgrade_log is kept (not in the restore point).
    const after = await captureState(s);
    expect(after.objects).toEqual(before.objects);
    expect(new Map([...after.collections].filter(([n]) => n !== 'upgrade_log'))).toEqual(before.collections);
    expect(await collectionNames(s)).toEqual(['activeFiles', 'activity', 'files', 'upgrade_log', 'users']);
    expect(await multipartUploads(s)).toBe(0);
    // And equal to the restore point's own bytes (mongodump's .bson).
    const files = (await entriesOf(repo, snapshotId)).find((e) => e.path === `mongo/${DB}/files.bson`)!;
    const raw = (await s.mongoClient.db(DB).collection('files').find({}, { raw: true, sort: { _id: 1 } }).toArray()) as unknown as Buffer[];
    expect(Buffer.concat(raw).equals(await contentOf(repo, files))).toBe(true);

    // The safety backup holds the changed state: restoring it undoes the rollback.
    const safety = await repo.readSnapshot(summary.safetySnapshot!.id);
    expect(safety.tags).toEqual(['pre-restore']);
    const undoPlan = await planFor(repo, s, safety.id);
    expect(undoPlan.bucket!.extra.items.map((e) => e.key)).toEqual(['big/video.bin', 'docs/report.pdf']);
    expect(undoPlan.database!.kept).toEqual([{ name: 'users', docs: 8 }]); // not in that restore point: kept as it is
    const undo = await restorePlan(repo, s, undoPlan, { removeExtra: true, safety: { mode: 'skip' } });
    expect(restoreVerdict(undo)).toBeNull();
    expect(undo.safetySnapshot).toBeNull();
    const back = await captureState(s);
    expect(back.objects).toEqual(changed.objects);
    expect(new Map([...back.collections].filter(([n]) => n !== 'users'))).toEqual(changed.collections);
  });

  it('restores one collection and leaves every other collection and the bucket untouched', async () => {
    const db = s.mongoClient.db(DB);
    await db.collection('files').deleteMany({});
    await db.collection('activity').deleteOne({ _id: 1 as never });
    const changed = await captureState(s);

    const plan = await planFor(repo, s, snapshotId, { collections: ['files'], bucket: false, folders: false });
    expect(plan.database!.collections.map((c) => c.name)).toEqual(['files']);
    expect(plan.bucket).toBeNull();
    const summary = await restorePlan(repo, s, plan, { safety: { mode: 'skip' } });
    expect(restoreVerdict(summary)).toBeNull();

    const after = await captureState(s);
    expect(after.collections.get('files')).toBe(before.collections.get('files'));
    for (const [name, state] of changed.collections) if (name !== 'files') expect(after.collections.get(name), name).toBe(state);
    expect(after.objects).toEqual(changed.objects);
  });

  it('opens the location again from disk (another process) and restores from it', async () => {
    const reopened = await Repository.open(new FolderStore(dir));
    const plan = await planFor(reopened, s, snapshotId, { database: false, prefixes: ['img/'] });
    expect(plan.database).toBeNull();
    expect(plan.bucket!.put.items.every((p) => p.key.startsWith('img/'))).toBe(true);
    expect(plan.bucket!.name).toBe(BUCKET);
  });
});
