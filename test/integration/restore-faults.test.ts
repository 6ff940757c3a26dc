// Restores that meet trouble: a damaged restore point (refused before anything changes), a duplicate
// key on a unique index (clear error, nothing swapped), R2 connections reset in the middle of
// multipart uploads (retried; and when they keep failing, reported — never leaving upload debris).
import { BSON, EJSON } from 'bson';
import { describe, expect, it } from 'vitest';
import type { Repository } from '../../electron/core/repository';
import { restoreVerdict } from '../../electron/core/restore/restore';
import { DB, entriesOf, type Servers } from '../support/backup';
import { flipBlobByte } from '../support/blob-on-disk';
import { badUpgrade, captureState, withBackedUpInstallation, collectionNames, multipartUploads, planFor, restorePlan, TEST_R2, testProfile } from '../support/restore';

let s: Servers;
let repo: Repository;
let dir: string;
let before: Awaited<ReturnType<typeof captureState>>;
let snapshotId: string;

withBackedUpInstallation((i) => ({ s, repo, dir, before, snapshotId } = i));

async function rejection(p: Promise<unknown>): Promise<{ code?: string; message: string; details?: string }> {
  try {
    await p;
  } catch (err) {
    return err as { code?: string; message: string };
  }
  throw new Error('expected the restore to fail');
}

describe('restore faults', () => {
  it('R2 connection reset mid-upload: retried, the object restored, no multipart upload left', async () => {
    await badUpgrade(s);
    s.s3.stats.reset();
    s.s3.faults.resetMidBody({ afterBytes: 1_000_000, times: 2, match: { op: 'UploadPart' } });
    const summary = await restorePlan(repo, s, await planFor(repo, s, snapshotId), { removeExtra: true, safety: { mode: 'skip' } });
    s.s3.faults.clear();
    expect(restoreVerdict(summary)).toBeNull();
    expect(s.s3.stats.byOperation.UploadPart).toBeGreaterThanOrEqual(4); // two parts, two of them cut and sent again
    expect(await multipartUploads(s)).toBe(0);
    expect((await captureState(s)).objects).toEqual(before.objects);
  });

  it('R2 keeps resetting: the object is reported as not restored, the rest is, and no upload is left behind', async () => {
    await badUpgrade(s);
    // (afterBytes well past the gateway's first buffer: a reset before the test server reads the body is its own race)
    s.s3.faults.resetMidBody({ afterBytes: 1_000_000, times: 1000, match: { op: 'UploadPart' } });
    const summary = await restorePlan(repo, s, await planFor(repo, s, snapshotId), { safety: { mode: 'skip' }, r2: { ...TEST_R2, retry: { retries: 2, baseDelayMs: 1, maxDelayMs: 1 } } });
    s.s3.faults.clear();
    expect(summary.bucket.failed.map((f) => f.name)).toEqual(['big/video.bin']);
    expect(summary.bucket.put).toBe(4);
    const verdict = restoreVerdict(summary);
    expect(verdict?.code).toBe('RESTORE_INCOMPLETE');
    expect(verdict?.message).toContain('1 file(s) could not be put back in R2');
    expect(summary.verification?.ok).toBe(false);
    expect(summary.verification?.objects.problems).toEqual([{ name: 'big/video.bin', message: 'is missing from the bucket' }]);
    expect(await multipartUploads(s)).toBe(0);
    expect(summary.database.restored).toHaveLength(3); // the database part is independent of the files
    // Running it again finishes the job.
    const again = await restorePlan(repo, s, await planFor(repo, s, snapshotId), { removeExtra: true, safety: { mode: 'skip' } });
    expect(again.plan.bucket!.put.items.map((p) => p.key)).toEqual(['big/video.bin']);
    expect(restoreVerdict(again)).toBeNull();
    expect((await captureState(s)).objects).toEqual(before.objects);
  });

  it('a damaged restore point is refused before anything changes (no safety backup, no temporaries)', async () => {
    await badUpgrade(s);
    const changed = await captureState(s);
    const plan = await planFor(repo, s, snapshotId);
    const report = (await entriesOf(repo, snapshotId)).find((e) => e.path === 'r2/pci-files/docs/report.pdf')!;
    const id = 'chunks' in report ? report.chunks[0].id : '';
    const undo = await flipBlobByte(dir, id, (length) => length - 3, 0x40);
    const snapshotsBefore = (await repo.listSnapshots()).length;
    try {
      const err = await rejection(restorePlan(repo, s, plan));
      expect(err.code).toBe('BACKUP_DAMAGED');
      expect(err.message).toContain('nothing was restored');
      expect(err.details).toContain(id);
    } finally {
      undo();
    }
    expect(await captureState(s)).toEqual(changed);
    expect((await repo.listSnapshots()).length).toBe(snapshotsBefore);
    expect((await collectionNames(s)).filter((n) => n.startsWith('pcimaint_'))).toEqual([]);
    const summary = await restorePlan(repo, s, plan, { removeExtra: true, safety: { mode: 'skip' } });
    expect(restoreVerdict(summary)).toBeNull();
  });

  it('a duplicate key on a unique index: a clear error, nothing swapped, no temporaries left', async () => {
    // A best-effort dump (standalone server) can catch two users with one email mid-change.
    const docs = [
      { _id: 'a', email: 'same@example.com' },
      { _id: 'b', email: 'same@example.com' },
    ].map((d) => Buffer.from(BSON.serialize(d)));
    const data = Buffer.concat(docs);
    const meta = Buffer.from(
      EJSON.stringify({ indexes: [{ v: 2, key: { _id: 1 }, name: '_id_' }, { v: 2, key: { email: 1 }, name: 'email_1', unique: true }], collectionName: 'users', type: 'collection', options: {} }, { relaxed: false }),
    );
    const [d, m] = [await repo.putBlob(data), await repo.putBlob(meta)];
    const header = await repo.writeSnapshot({ tags: ['manual'], profile: testProfile.name, appVersion: 'test', consistency: 'best-effort' }, [
      { kind: 'mongo-collection', path: `mongo/${DB}/users.bson`, db: DB, collection: 'users', docs: 2, size: data.length, chunks: [{ id: d.id, size: data.length, docs: 2 }] },
      { kind: 'mongo-metadata', path: `mongo/${DB}/users.metadata.json`, db: DB, collection: 'users', size: meta.length, chunks: [{ id: m.id, size: meta.length }] },
    ]);
    const current = await captureState(s);
    const plan = await planFor(repo, s, header.id);
    expect(plan.database!.collections).toMatchObject([{ name: 'users', action: 'replace', docsInSnapshot: 2 }]);
    const err = await rejection(restorePlan(repo, s, plan, { safety: { mode: 'skip' } }));
    expect(err.code).toBe('MONGO_ERROR');
    expect(err.message).toContain('"users"');
    expect(err.message).toContain('email_1');
    expect(err.message).toContain('Nothing was changed');
    expect((await captureState(s)).collections).toEqual(current.collections);
    expect((await collectionNames(s)).filter((n) => n.startsWith('pcimaint_'))).toEqual([]);
  });
});
