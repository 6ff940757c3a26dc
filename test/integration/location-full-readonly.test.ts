// A full and a read-only backup drive, for real (a tmpfs filled until ENOSPC, then remounted
// read-only), through the built CLI against the test servers: reading needs no space, so rollback,
// verify and export still work and say plainly that they ran without marking the drive as in use;
// prune makes room first; a safety backup that cannot be written is refused before anything changes.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planRestore, startRestoreJob } from '../../electron/core/restore/profile-jobs';
import { RestoreScope } from '../../shared/api/restore';
import { BUCKET, DB, removeTempDirs, startServers, type Servers } from '../support/backup';
import { savePciConnection, tempDir, testEngine } from '../support/engine';
import { freeBytes, mountSupport, mountTmpfs, type TestMount } from '../support/mounts';
import { seedInstallation } from '../support/restore';
import { runCli } from '../support/serve';

const support = mountSupport();
const title = (t: string) => (support.ok ? t : `${t} (skipped: ${support.reason})`);

let s: Servers;
let home: string;
let env: NodeJS.ProcessEnv;
const drives: TestMount[] = [];

const run = (args: string[]) => runCli(home, env, args);

const addProfile = (name: string, location: string) =>
  savePciConnection({ home, env }, { name, database: DB, bucket: BUCKET, s3: s.s3, destination: { kind: 'folder', path: location } });

async function backup(profile: string): Promise<string> {
  const r = await run(['--json', 'backup', '--profile', profile]);
  if (r.code !== 0) throw new Error(`backup failed: ${r.out}${r.err}`);
  return (JSON.parse(r.out) as { snapshotId: string }).snapshotId;
}

/** A change made after the backups, so a restore that ran can be told from one that did not. */
const users = () => s.mongoClient.db(DB).collection<{ _id: string; name: string }>('users');
async function markChanged(): Promise<void> {
  await users().updateOne({ _id: 'u0' }, { $set: { name: 'changed after the backup' } });
}
const changed = async () => (await users().findOne({ _id: 'u0' }))?.name === 'changed after the backup';

const lockFiles = (location: string) => (fs.existsSync(path.join(location, 'locks')) ? fs.readdirSync(path.join(location, 'locks')) : []);

beforeAll(async () => {
  if (!support.ok) return;
  s = await startServers();
  await seedInstallation(s);
  home = tempDir('pci-drive-home-');
  env = { ...process.env, PCI_MONGODB_URI: `${s.mongo.uri}${DB}`, PCI_R2_SECRET_ACCESS_KEY: s.s3.secretAccessKey, PCI_BACKUP_PASSPHRASE: '' };
}, 60_000);

afterAll(async () => {
  for (const d of drives) d.teardown();
  await s?.close();
  await removeTempDirs();
});

describe.skipIf(!support.ok)(title('a full backup drive'), () => {
  let drive: TestMount;
  let location: string;

  beforeAll(async () => {
    drive = mountTmpfs(48);
    drives.push(drive);
    location = path.join(drive.dir, 'backups');
    await addProfile('full', location);
    await addProfile('neighbour', location); // another connection in the same location
    await backup('neighbour');
    await backup('neighbour');
    await backup('full');
    await backup('full'); // the older of two on one day is what prune forgets
    await markChanged();
    await drive.fill();
    expect(freeBytes(drive.dir)).toBe(0);
  }, 120_000);

  it('refuses a restore with the safety backup in plain words before anything changes', async () => {
    const r = await run(['restore', '--profile', 'full', '--snapshot', 'latest', '--yes']);
    expect(r.code, r.out + r.err).toBe(2);
    expect(r.err).toContain('The backup drive is full, so the safety backup of what exists now cannot be saved there.');
    expect(r.err).toContain('--no-safety-snapshot');
    expect(await changed()).toBe(true); // the database was not touched
  });

  it('restores without the safety backup, and says it ran without marking the drive as in use', async () => {
    const r = await run(['restore', '--profile', 'full', '--snapshot', 'latest', '--yes', '--no-safety-snapshot']);
    expect(r.code, r.out + r.err).toBe(0);
    expect(r.out).toContain('The backup drive is full, so this restore ran without marking the drive as in use.');
    expect(await changed()).toBe(false);
    expect(lockFiles(location)).toEqual([]);
  });

  it('verifies and exports', async () => {
    const v = await run(['--json', 'verify', '--profile', 'full', '--full']);
    expect(v.code, v.out + v.err).toBe(0);
    const verified = JSON.parse(v.out) as { ok: boolean; notes?: string[] };
    expect(verified.ok).toBe(true);
    expect(verified.notes?.[0]).toContain('The backup drive is full, so this check ran without marking the drive as in use.');

    const target = path.join(tempDir('pci-drive-export-'), 'out');
    const e = await run(['export', '--profile', 'full', '--to', target]);
    expect(e.code, e.out + e.err).toBe(0);
    expect(e.out).toContain('The backup drive is full, so this export ran without marking the drive as in use.');
    expect(fs.existsSync(path.join(target, 'dump', DB, 'files.bson'))).toBe(true);
  });

  it("prunes: it makes room first, forgets only what this connection's retention forgets, and frees space", async () => {
    const snapshots = () => fs.readdirSync(path.join(location, 'snapshots')).sort();
    const before = snapshots();
    expect(before).toHaveLength(4);
    const r = await run(['--json', 'prune', '--profile', 'full']);
    expect(r.code, r.out + r.err).toBe(0);
    const summary = JSON.parse(r.out) as { forget: { id: string }[]; keep: { id: string }[]; others: number; freedBytes: number; notes?: string[] };
    expect(summary.forget).toHaveLength(1);
    expect(summary.keep).toHaveLength(1);
    expect(summary.others).toBe(2);
    expect(summary.notes?.join(' ')).toContain('The backup drive was full');
    // The neighbour's two restore points are untouched.
    expect(snapshots()).toEqual(before.filter((id) => id !== summary.forget[0].id));
    expect(freeBytes(drive.dir)).toBeGreaterThan(0);
    expect(lockFiles(location)).toEqual([]);
    // What is left is whole.
    const v = await run(['--json', 'verify', '--profile', 'full', '--full']);
    expect(v.code, v.out + v.err).toBe(0);
  });
});

describe.skipIf(!support.ok)(title('a read-only backup drive'), () => {
  let drive: TestMount;

  beforeAll(async () => {
    drive = mountTmpfs(48);
    drives.push(drive);
    await addProfile('readonly', path.join(drive.dir, 'backups'));
    await backup('readonly');
    await markChanged();
    drive.readOnly();
  }, 120_000);

  it('refuses a restore with the safety backup in plain words before anything changes, and names the way out', async () => {
    const r = await run(['restore', '--profile', 'readonly', '--snapshot', 'latest', '--yes']);
    expect(r.code, r.out + r.err).toBe(2);
    expect(r.err).toContain('The backup location is read-only, so the safety backup of what exists now cannot be saved there. The restore did not start; nothing was changed.');
    expect(r.err).toContain('--no-safety-snapshot');
    expect(await changed()).toBe(true);
  });

  it('the restore job itself (as the app starts it) refuses too, before anything changes', async () => {
    const engine = testEngine({ home, env });
    try {
      const plan = await planRestore(engine, { profile: 'readonly', snapshot: 'latest', scope: RestoreScope.parse({}) });
      const job = await engine.jobs.wait(startRestoreJob(engine, { plan, removeExtra: false, safety: { mode: 'take' } }).id);
      expect(job.status).toBe('failed');
      expect(job.error?.message).toBe('The backup location is read-only, so the safety backup of what exists now cannot be saved there. The restore did not start; nothing was changed.');
      expect(job.error?.hint).toContain('turn the safety backup off in the restore step');
    } finally {
      await engine.dispose();
    }
    expect(await changed()).toBe(true);
  });

  it('restores without the safety backup, saying so', async () => {
    const r = await run(['--json', 'restore', '--profile', 'readonly', '--snapshot', 'latest', '--yes', '--no-safety-snapshot']);
    expect(r.code, r.out + r.err).toBe(0);
    const result = JSON.parse(r.out) as { ok: boolean; summary: { notes?: string[]; verification: { ok: boolean } } };
    expect(result.ok).toBe(true);
    expect(result.summary.verification.ok).toBe(true);
    expect(result.summary.notes).toEqual([expect.stringContaining('The backup location is read-only, so this restore ran without marking the drive as in use.')]);
    expect(await changed()).toBe(false);
  });

  it('verifies, and a clean-up says plainly that it cannot remove anything', async () => {
    const v = await run(['verify', '--profile', 'readonly']);
    expect(v.code, v.out + v.err).toBe(0);
    expect(v.out).toContain('The backup location is read-only, so this check ran without marking the drive as in use.');
    const p = await run(['prune', '--profile', 'readonly']);
    expect(p.code).toBe(1);
    expect(p.err).toContain('The backup location is read-only, so old restore points cannot be removed from it.');
  });
});
