// Two connections backing up into one backup location, through the built CLI against the test
// servers: verify and health of a connection look at its own restore points only, and restore
// "latest" never silently goes back in time when the newest restore point is damaged or altered.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { saveProfile } from '../../electron/core/profiles/service';
import { BUCKET, DB, removeTempDirs, startServers, type Servers } from '../support/backup';
import { tempDir, testEngine } from '../support/engine';
import { seedInstallation } from '../support/restore';
import { runCli } from '../support/serve';

let s: Servers;
let home: string;
let env: NodeJS.ProcessEnv;
let location: string;

const run = (args: string[]) => runCli(home, env, args);

async function backupId(profile: string): Promise<string> {
  const r = await run(['--json', 'backup', '--profile', profile]);
  if (r.code !== 0) throw new Error(`backup failed: ${r.out}${r.err}`);
  return (JSON.parse(r.out) as { snapshotId: string }).snapshotId;
}

beforeAll(async () => {
  s = await startServers();
  await seedInstallation(s);
  home = tempDir('pci-shared-home-');
  location = tempDir('pci-shared-location-');
  env = { ...process.env, PCI_MONGODB_URI: `${s.mongo.uri}${DB}`, PCI_R2_SECRET_ACCESS_KEY: s.s3.secretAccessKey, PCI_BACKUP_PASSPHRASE: '' };
  const engine = testEngine({ home, env });
  try {
    for (const name of ['officeA', 'officeB']) {
      await saveProfile(engine, { name, sources: [{ kind: 'mongodb', database: DB }, { kind: 's3', endpoint: s.s3.endpoint, bucket: BUCKET, accessKeyId: s.s3.accessKeyId, forcePathStyle: true }], destination: { kind: 'folder', path: location } });
    }
  } finally {
    await engine.dispose();
  }
});

afterAll(async () => {
  await s?.close();
  await removeTempDirs();
});

describe('a backup location shared by two connections', () => {
  it("verify of a connection without restore points fails plainly instead of proving another connection's", async () => {
    await backupId('officeB');
    const r = await run(['verify', '--profile', 'officeA', '--test-restore']);
    expect(r.code).not.toBe(0);
    expect(r.err + r.out).toContain('There is no backup of "officeA" in this backup location yet');
    expect(r.out).not.toMatch(/complete and readable|no problems/i);
  });

  it('restore "latest" stops when the newest restore point is damaged, and names the one before', async () => {
    const older = await backupId('officeA');
    const newest = await backupId('officeA');
    const file = path.join(location, 'snapshots', newest);
    const original = fs.readFileSync(file);
    try {
      fs.writeFileSync(file, 'not a restore point');
      const r = await run(['restore', '--profile', 'officeA', '--snapshot', 'latest', '--dry-run']);
      expect(r.code).toBe(1);
      expect(r.err).toContain('cannot be read');
      expect(r.err).toContain(`--snapshot ${older}`);
      expect(r.out).not.toContain(older); // no plan was made for the older point

      // A copy of the older restore point under the newest's name is damage too.
      fs.copyFileSync(path.join(location, 'snapshots', older), file);
      const copied = await run(['restore', '--profile', 'officeA', '--snapshot', 'latest', '--dry-run']);
      expect(copied.code).toBe(1);
      expect(copied.err).toContain(`--snapshot ${older}`);

      // Chosen explicitly, the one before can be restored.
      const explicit = await run(['restore', '--profile', 'officeA', '--snapshot', older, '--dry-run']);
      expect(explicit.code, explicit.err).toBe(0);
    } finally {
      fs.writeFileSync(file, original);
    }
    expect((await run(['restore', '--profile', 'officeA', '--snapshot', 'latest', '--dry-run'])).code).toBe(0);
  });

  it('restore "latest" does not take a restore point whose date was moved into the future', async () => {
    const newest = await backupId('officeA');
    const file = path.join(location, 'snapshots', newest);
    const header = JSON.parse(fs.readFileSync(file, 'utf8')) as { createdAt: string };
    fs.writeFileSync(file, JSON.stringify({ ...header, createdAt: '2030-01-01T00:00:00.000Z' }));
    const r = await run(['restore', '--profile', 'officeA', '--snapshot', 'latest', '--dry-run']);
    expect(r.code).toBe(1);
    expect(r.err).toContain('changed after the backup');
  });
});
