// The dashboard notices damage (issue 16, item 5), against real test servers: after a good backup,
// half the file records and five objects are deleted; the health report counts afresh and says what
// changed against the last backup ("Needs attention" on MongoDB and R2), while untouched numbers say
// "the same". The comparison with a pre-update baseline is worded the same way (unit part).
import fs from 'node:fs';
import path from 'node:path';
import { DeleteObjectsCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { MongoClient } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBackupJob } from '../../electron/core/backup/profile-jobs';
import { compareCollections, compareObjects } from '../../electron/core/health/compare';
import { startBucketCount } from '../../electron/core/health/bucket-count';
import { saveProfile } from '../../electron/core/profiles/service';
import { startMongoTestServer, type MongoTestServer } from '../support/mongo-wire';
import { startS3TestServer, type S3TestServer } from '../support/s3';
import { r2Client } from '../support/s3/client';
import { seedDataset } from '../support/dataset';
import { tempDir, testEngine, type TestEngine } from '../support/engine';

let mongo: MongoTestServer;
let s3: S3TestServer;
let engine: TestEngine;
let dir: string;
const uri = () => `${mongo.uri}pcifm`;

beforeAll(async () => {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  [mongo, s3] = await Promise.all([startMongoTestServer(), startS3TestServer({ buckets: ['pci-files'] })]);
  await seedDataset({ mongoUri: uri(), s3: { ...s3, bucket: 'pci-files' }, scale: 'small' });
  dir = tempDir('pci-health-damage-');
  engine = testEngine({ env: { PCI_BACKUP_PASSPHRASE: '' } });
  await saveProfile(
    engine,
    { name: 'Office', sources: [{ kind: 'mongodb', database: 'pcifm' }, { kind: 's3', endpoint: s3.endpoint, bucket: 'pci-files', accessKeyId: s3.accessKeyId, forcePathStyle: true }], destination: { kind: 'folder', path: path.join(dir, 'backups') } },
    { mongoUri: uri(), r2SecretAccessKey: s3.secretAccessKey },
  );
}, 120_000);

afterAll(async () => {
  await engine?.dispose();
  await Promise.all([mongo?.close(), s3?.close()]);
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describe('the health report after damage', () => {
  it('right after a backup: the same numbers, nothing to look at', async () => {
    const backup = await engine.jobs.wait(startBackupJob(engine, 'Office').id);
    expect(backup.status, JSON.stringify(backup.error)).toBe('succeeded');
    await engine.jobs.wait(startBucketCount(engine, 'Office').id);
    const report = await engine.handlers['health.get']({ profile: 'Office' });
    expect(report.mongo!.state).toBe('ok');
    expect(report.mongo!.comparisons).toEqual([expect.objectContaining({ against: 'backup', loss: false, changes: [] })]);
    expect(report.mongo!.comparisons[0].summary).toMatch(/^At the last backup: [\d,]+ documents; now [\d,]+ \(the same\)\.$/);
    expect(report.r2!.comparisons).toEqual([expect.objectContaining({ against: 'backup', loss: false })]);
    expect(report.r2!.comparisons[0].summary).toMatch(/\(the same\)\.$/);
  });

  it('after half the file records and five files are deleted: fresh counts, what changed, "Needs attention"', async () => {
    const client = new MongoClient(uri());
    let before: number;
    let after: number;
    try {
      const files = client.db('pcifm').collection('files');
      before = await files.countDocuments();
      const ids = (await files.find({}, { projection: { _id: 1 } }).toArray()).map((d) => d._id).slice(0, Math.floor(before / 2));
      await files.deleteMany({ _id: { $in: ids } });
      after = await files.countDocuments();
    } finally {
      await client.close();
    }
    const s3c = r2Client(s3);
    const listed = await s3c.send(new ListObjectsV2Command({ Bucket: 'pci-files', MaxKeys: 5 }));
    await s3c.send(new DeleteObjectsCommand({ Bucket: 'pci-files', Delete: { Objects: (listed.Contents ?? []).map((o) => ({ Key: o.Key! })) } }));
    s3c.destroy();

    // A count from before the damage cannot know (the card shows its time; the dashboard counts again).
    const stale = await engine.handlers['health.get']({ profile: 'Office' });
    expect(stale.r2!.comparisons.every((c) => c.summary.includes('(the same)'))).toBe(true);
    await engine.jobs.wait(startBucketCount(engine, 'Office').id);

    const report = await engine.handlers['health.get']({ profile: 'Office' });
    expect(report.mongo!.state).toBe('warn');
    const m = report.mongo!.comparisons[0];
    expect(m).toMatchObject({ against: 'backup', loss: true });
    expect(m.changes).toEqual([`“files”: ${before.toLocaleString('en-US')} → ${after.toLocaleString('en-US')} documents (${(before - after).toLocaleString('en-US')} fewer, −${Math.round(((before - after) / before) * 100)} %).`]);
    expect(report.r2!.state).toBe('warn');
    expect(report.r2!.comparisons[0]).toMatchObject({ against: 'backup', loss: true });
    expect(report.r2!.comparisons[0].summary).toMatch(/; counted now: [\d,]+ \(5 fewer, −\d+ %\)\.$/);
    expect(report.actions.find((a) => a.id === 'data-lost')).toMatchObject({ severity: 'warn', route: '/restore', text: expect.stringContaining(m.changes[0]) });
  });
});

describe('comparisons, worded', () => {
  const at = '2026-12-01T10:00:00Z';
  it('names a collection that is gone or new, and says a loss only when it is clear', () => {
    const c = compareCollections({ against: 'baseline', at, collections: [{ name: 'files', documents: 1000 }, { name: 'shares', documents: 20 }], objects: null }, [
      { name: 'files', documents: 995, bytes: 0 },
      { name: 'audit', documents: 3, bytes: 0 },
    ]);
    expect(c).toEqual({
      against: 'baseline',
      at,
      summary: 'Before the update (checklist baseline): 1,020 documents; now 998 (22 fewer, −2 %).',
      changes: ['“files”: 1,000 → 995 documents (5 fewer, −1 %).', '“shares” is gone (it had 20 documents).', '“audit” is new (3 documents).'],
      loss: true,
    });
    expect(compareCollections({ against: 'backup', at, collections: [{ name: 'files', documents: 1000 }], objects: null }, [{ name: 'files', documents: 995, bytes: 0 }])?.loss).toBe(false);
    expect(compareObjects({ against: 'backup', at, collections: null, objects: 148 }, { objects: 150, countedAt: '2026-11-30T00:00:00Z' })).toBeNull(); // counted before the backup
    expect(compareObjects({ against: 'backup', at, collections: null, objects: 148 }, { objects: 150, countedAt: '2026-12-02T00:00:00Z' })?.summary).toBe('At the last backup: 148 files; counted now: 150 (2 more, +1 %).');
  });
});
