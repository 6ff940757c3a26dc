// The backup API as the UI calls it (through dispatch, so every input and output is checked against
// the contract): backup.start → job → restore point; snapshots.list/get; prune.start, dry and real.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dispatch } from '../../electron/core/handlers';
import { startBackupJob } from '../../electron/core/backup/profile-jobs';
import { saveProfile } from '../../electron/core/profiles/service';
import type { RestorePointDetail, RestorePointList } from '../../shared/api/backup';
import { summaryOf } from '../../shared/api/job-summaries';
import type { Job } from '../../shared/jobs';
import { BUCKET, DB, putObject, removeTempDirs, startServers, tempDir, type Servers } from '../support/backup';
import { testEngine, type TestEngine } from '../support/engine';

const PASSPHRASE = 'sentinel-Passphrase-4711';
let servers: Servers;
let engine: TestEngine;

async function call<T>(name: string, input: unknown): Promise<T> {
  const res = await dispatch(engine, name, input);
  if (!res.ok) throw new Error(`${name}: ${res.error.code} ${res.error.message} ${res.error.details ?? ''}`);
  return res.result as T;
}

async function finished(job: Job): Promise<Job> {
  return engine.jobs.wait(job.id);
}

beforeAll(async () => {
  servers = await startServers({ replSetName: 'rs0' });
  await servers.mongoClient.db(DB).collection('files').insertMany([{ name: 'a' }, { name: 'b' }]);
  await putObject(servers.s3Client, 'a.txt', Buffer.from('hello'), { contentType: 'text/plain' });
  engine = testEngine({ env: { PCI_MONGODB_URI: `${servers.mongo.uri}`, PCI_R2_SECRET_ACCESS_KEY: servers.s3.secretAccessKey } });
  await saveProfile(engine, {
    name: 'Office',
    sources: [{ kind: 'mongodb', database: DB }, { kind: 's3', endpoint: servers.s3.endpoint, bucket: BUCKET, accessKeyId: servers.s3.accessKeyId, forcePathStyle: true }],
    destination: { kind: 'folder', path: await tempDir('pci-api-backups-') },
  });
  // Unencrypted, so the tests below do not pay for the passphrase's key derivation again and again.
  await saveProfile(engine, {
    name: 'Plain',
    sources: [{ kind: 'mongodb', database: DB }, { kind: 's3', endpoint: servers.s3.endpoint, bucket: BUCKET, accessKeyId: servers.s3.accessKeyId, forcePathStyle: true }],
    destination: { kind: 'folder', path: await tempDir('pci-api-plain-') },
  });
});

afterAll(async () => {
  await engine?.dispose();
  await servers?.close();
  await removeTempDirs();
});

describe('backup API', () => {
  it('starts a backup job that ends in a restore point, with a passphrase that never leaks', async () => {
    const job = await call<Job>('backup.start', { profile: 'Office', passphrase: PASSPHRASE });
    expect(job).toMatchObject({ kind: 'backup', status: 'running', profile: 'Office' });
    const done = await finished(job);
    expect(done.status, JSON.stringify(done.error)).toBe('succeeded');
    const summary = summaryOf(done, 'backup')!; // the summary has the contract's shape
    expect(summary).not.toBeNull();
    expect(summary).toMatchObject({ tags: ['manual'], consistency: 'point-in-time', stats: { sources: [{ kind: 'mongo' }, { kind: 'r2', downloaded: 1 }] } });
    expect(done.progress.phase).toBe('Saving the restore point');

    const history = await call<unknown>('history.get', { id: job.id });
    expect(JSON.stringify(history)).not.toContain(PASSPHRASE);
    expect(JSON.stringify(history)).toContain('Set up a new backup location');

    const list = await call<RestorePointList>('snapshots.list', { profile: 'Office', passphrase: PASSPHRASE });
    expect(list.encrypted).toBe(true);
    expect(list.restorePoints).toMatchObject([{ id: summary.snapshotId, trigger: 'manual', consistency: 'point-in-time', newData: summary.stats.newBytes }]);
    const detail = await call<RestorePointDetail>('snapshots.get', { profile: 'Office', passphrase: PASSPHRASE, id: summary.snapshotId });
    expect(detail.manifestParts).toBe(1);
  });

  it('refuses what it cannot do in plain words', async () => {
    const wrong = await dispatch(engine, 'snapshots.list', { profile: 'Office', passphrase: 'not it' });
    expect(wrong).toMatchObject({ ok: false, error: { code: 'WRONG_PASSPHRASE' } });
    expect(await call<RestorePointList>('snapshots.list', { profile: 'Plain' })).toMatchObject({ restorePoints: [], encrypted: false }); // not used yet
    expect(await dispatch(engine, 'backup.start', { profile: 'Nobody' })).toMatchObject({ ok: false, error: { code: 'PROFILE_NOT_FOUND' } });
    expect(await dispatch(engine, 'backup.start', { profile: 'Plain', tags: ['Not OK'] })).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    // One writing job per backup location at a time.
    const first = await call<Job>('backup.start', { profile: 'Plain', tags: ['scheduled'] });
    expect(await dispatch(engine, 'prune.start', { profile: 'Plain' })).toMatchObject({ ok: false, error: { code: 'BUSY' } });
    expect((await finished(first)).status).toBe('succeeded');
    const missing = await dispatch(engine, 'snapshots.get', { profile: 'Plain', id: '0'.repeat(32) });
    expect(missing).toMatchObject({ ok: false, error: { code: 'SNAPSHOT_NOT_FOUND' } });
  });

  it('prunes by the retention rules: a dry run reports, a real run deletes', async () => {
    // A pre-update backup as the checklist makes it (the tag is the app's own: backup.start refuses it).
    expect(await dispatch(engine, 'backup.start', { profile: 'Plain', tags: ['pre-update'] })).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    expect((await finished(startBackupJob(engine, 'Plain', { tags: ['pre-update'] }))).status).toBe('succeeded');
    const keepOne = { keepLast: 1, keepDaily: 0, keepWeekly: 0, keepMonthly: 0, keepTaggedDays: {} };
    const dry = await finished(await call<Job>('prune.start', { profile: 'Plain', dryRun: true, retention: keepOne }));
    const plan = summaryOf(dry, 'prune')!;
    expect(plan).not.toBeNull();
    expect(plan).toMatchObject({ dryRun: true, aborted: false });
    expect(plan.forget).toHaveLength(1);
    expect(plan.freedBytes).toBeGreaterThan(0);
    expect((await call<RestorePointList>('snapshots.list', { profile: 'Plain' })).restorePoints).toHaveLength(2);

    const real = await finished(await call<Job>('prune.start', { profile: 'Plain', retention: keepOne }));
    expect(real.summary).toMatchObject({ dryRun: false, forget: plan.forget, freedBytes: plan.freedBytes });
    const left = await call<RestorePointList>('snapshots.list', { profile: 'Plain' });
    expect(left.restorePoints.map((r) => r.trigger)).toEqual(['pre-update']);
  });
});
