// Schedules that cannot run (issue 16, item 3), against real test servers and a real encrypted backup:
// backups protected by a passphrase that was typed but not remembered block the scheduled backup and
// verification — said by schedule.get, health.get (first action) and profiles.passphraseState before
// the night; "Remember the passphrase" refuses a wrong one (nothing saved) and lifts the block.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { saveProfile } from '../../electron/core/profiles/service';
import { startBackupJob } from '../../electron/core/backup/profile-jobs';
import { DEFAULT_SCHEDULES } from '../../shared/api/schedule';
import { startMongoTestServer, type MongoTestServer } from '../support/mongo-wire';
import { startS3TestServer, type S3TestServer } from '../support/s3';
import { seedDataset } from '../support/dataset';
import { tempDir, testEngine, type TestEngine } from '../support/engine';

const PASSPHRASE = 'a long passphrase for the office backups';
let mongo: MongoTestServer;
let s3: S3TestServer;
let engine: TestEngine;
let dir: string;

beforeAll(async () => {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  [mongo, s3] = await Promise.all([startMongoTestServer(), startS3TestServer({ buckets: ['pci-files'] })]);
  await seedDataset({ mongoUri: `${mongo.uri}pcifm`, s3: { ...s3, bucket: 'pci-files' }, scale: 'small' });
  dir = tempDir('pci-passphrase-schedules-');
  // No PCI_BACKUP_PASSPHRASE: the passphrase is only ever typed.
  engine = testEngine({ env: { PCI_BACKUP_PASSPHRASE: '' } });
  await saveProfile(
    engine,
    { name: 'Office', sources: [{ kind: 'mongodb', database: 'pcifm' }, { kind: 's3', endpoint: s3.endpoint, bucket: 'pci-files', accessKeyId: s3.accessKeyId, forcePathStyle: true }], destination: { kind: 'folder', path: path.join(dir, 'backups') } },
    { mongoUri: `${mongo.uri}pcifm`, r2SecretAccessKey: s3.secretAccessKey },
  );
}, 120_000);

afterAll(async () => {
  await engine?.dispose();
  await Promise.all([mongo?.close(), s3?.close()]);
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describe('a passphrase that is not remembered', () => {
  it('before the first backup blocks nothing', async () => {
    expect(await engine.handlers['profiles.passphraseState']({ name: 'Office' })).toMatchObject({ state: 'not-set-up' });
    expect((await engine.handlers['schedule.get']({ profile: 'Office' })).blocked).toEqual({ kinds: [], message: '' });
  });

  it('after an encrypted backup blocks the scheduled backup and verification, everywhere they are shown', async () => {
    const done = await engine.jobs.wait(startBackupJob(engine, 'Office', { passphrase: PASSPHRASE }).id);
    expect(done.status, JSON.stringify(done.error)).toBe('succeeded');

    expect(await engine.handlers['profiles.passphraseState']({ name: 'Office' })).toMatchObject({ state: 'missing' });
    const view = await engine.handlers['schedule.get']({ profile: 'Office' });
    expect(view.blocked.kinds).toEqual(['backup', 'verify']);
    expect(view.blocked.message).toBe(
      'The scheduled backup (every day at 02:00) and the scheduled verification (every Sunday at 04:00) cannot run: the backups are protected by a passphrase that is not remembered on this computer. Remember the passphrase, or switch the schedule off.',
    );
    const health = await engine.handlers['health.get']({ profile: 'Office' });
    expect(health.passphrase).toMatchObject({ state: 'missing', blockedSchedules: ['backup', 'verify'] });
    expect(health.actions[0]).toMatchObject({ id: 'remember-passphrase', severity: 'error', text: view.blocked.message });

    // Only what is switched on is blocked; with both off, nothing is said.
    const off = await engine.handlers['schedule.set']({ profile: 'Office', schedules: { ...DEFAULT_SCHEDULES, verify: { ...DEFAULT_SCHEDULES.verify, enabled: false } } });
    expect(off.blocked.kinds).toEqual(['backup']);
    const none = await engine.handlers['schedule.set']({ profile: 'Office', schedules: { ...DEFAULT_SCHEDULES, backup: { ...DEFAULT_SCHEDULES.backup, enabled: false }, verify: { ...DEFAULT_SCHEDULES.verify, enabled: false } } });
    expect(none.blocked).toEqual({ kinds: [], message: '' });
    await engine.handlers['schedule.set']({ profile: 'Office', schedules: DEFAULT_SCHEDULES });
  });

  it('"Remember the passphrase" refuses a wrong one, saving nothing, and the right one lifts the block', async () => {
    await expect(engine.handlers['profiles.rememberPassphrase']({ name: 'Office', passphrase: 'not the passphrase' })).rejects.toMatchObject({ code: 'WRONG_PASSPHRASE' });
    expect((await engine.handlers['profiles.get']({ name: 'Office' })).secrets.backupPassphrase).toMatchObject({ set: false });
    expect(await engine.handlers['profiles.passphraseState']({ name: 'Office' })).toMatchObject({ state: 'missing' });

    const view = await engine.handlers['profiles.rememberPassphrase']({ name: 'Office', passphrase: PASSPHRASE });
    expect(view.secrets.backupPassphrase).toMatchObject({ set: true, source: 'store' });
    expect(JSON.stringify(view)).not.toContain(PASSPHRASE);
    expect(await engine.handlers['profiles.passphraseState']({ name: 'Office' })).toMatchObject({ state: 'remembered' });
    expect((await engine.handlers['schedule.get']({ profile: 'Office' })).blocked.kinds).toEqual([]);
    const health = await engine.handlers['health.get']({ profile: 'Office' });
    expect(health.actions.map((a) => a.id)).not.toContain('remember-passphrase');
  });
});
