// `pci-maint backup | snapshots | prune` as cron runs them (the built CLI, real servers seeded with a
// PCI File Manager dataset), and kill -9 of a running backup at several points: no restore point
// appears, the location still opens, and the next backup succeeds reusing what was written.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { MongoClient } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FolderStore, Repository } from '../../electron/core/repository';
import { TEST_PAUSE_ENV, TEST_PAUSE_MARKER } from '../../electron/core/backup/test-hooks';
import type { MongoTestServer } from '../support/mongo-wire';
import type { S3TestServer } from '../support/s3';
import { cliEnv, startTestServers, type TestServers } from '../support/servers';
import { savePciConnection, tempDir } from '../support/engine';
import { noise } from '../support/backup';
import { CLI, runCli } from '../support/serve';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
let servers: TestServers;
let mongo: MongoTestServer;
let s3: S3TestServer;
let home: string;
let env: NodeJS.ProcessEnv;
const dirs: string[] = [];

const addProfile = (name: string, destination: string) =>
  savePciConnection({ home, env }, { name, database: 'pcifm', bucket: 'pci-files', s3: s3, destination: { kind: 'folder', path: destination } });

function newLocation(): string {
  const dir = tempDir('pci-cli-backups-');
  dirs.push(dir);
  return dir;
}

const run = (args: string[], extraEnv: NodeJS.ProcessEnv = {}) => runCli(home, { ...env, ...extraEnv }, args);

/** Start a backup that pauses at `point` (test hook), wait until it is there, then send `signal` (kill -9 by default). */
async function killAt(profile: string, point: string, signal: NodeJS.Signals = 'SIGKILL'): Promise<number | null> {
  const child = spawn(process.execPath, [CLI, '--home', home, '--json', 'backup', '--profile', profile], { env: { ...env, [TEST_PAUSE_ENV]: point }, stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const paused = await new Promise<boolean>((resolve) => {
    readline.createInterface({ input: child.stderr! }).on('line', (line) => line.startsWith(TEST_PAUSE_MARKER) && resolve(true));
    void exited.then(() => resolve(false));
  });
  expect(paused, `the backup never reached ${point}`).toBe(true);
  child.kill(signal);
  return exited;
}

beforeAll(async () => {
  servers = await startTestServers({ bucket: 'pci-files', scale: 'small' });
  ({ mongo, s3 } = servers);
  // A collection of several chunks, so a backup can be killed with part of it written.
  const client = new MongoClient(mongo.uri);
  await client.db('pcifm').collection<{ _id: number }>('audit').insertMany(Array.from({ length: 6000 }, (_, i) => ({ _id: i, entry: noise(300, i + 1).toString('hex') })));
  await client.close();
  home = tempDir('pci-cli-home-');
  env = cliEnv(servers);
}, 120_000);

afterAll(async () => {
  await servers?.close();
  for (const d of [home, ...dirs]) if (d) fs.rmSync(d, { recursive: true, force: true });
});

describe('pci-maint backup, snapshots, prune', () => {
  it('a backup held at a test pause point still stops when cancelled (SIGTERM, as a scheduler sends)', async () => {
    const location = newLocation();
    await addProfile('Paused', location);
    // Before the pause honoured the job's signal, this waited forever and the test timed out.
    expect(await killAt('Paused', 'before-snapshot', 'SIGTERM')).toBe(1);
    const list = await run(['--json', 'snapshots', '--profile', 'Paused']);
    expect(JSON.parse(list.out).restorePoints).toEqual([]);
  }, 60_000);

  it('backs up, lists the restore point and plans a prune, with JSON and exit codes', async () => {
    const location = newLocation();
    await addProfile('Office', location);
    const backup = await run(['--json', 'backup', '--profile', 'Office', '--tag', 'scheduled']);
    expect(backup.code, backup.err).toBe(0);
    const result = JSON.parse(backup.out);
    expect(result.snapshotId).toMatch(/^[0-9a-f]{32}$/);
    expect(result.stats.sources.map((s: { kind: string }) => s.kind)).toEqual(['mongo', 'r2']);
    expect(result.stats.newBytes).toBeGreaterThan(1_000_000);

    const list = await run(['--json', 'snapshots', '--profile', 'Office']);
    expect(list.code, list.err).toBe(0);
    expect(JSON.parse(list.out).restorePoints).toMatchObject([{ id: result.snapshotId, trigger: 'scheduled', consistency: 'best-effort', profile: 'Office' }]);
    const text = await run(['snapshots', '--profile', 'Office']);
    expect(text.out).toContain(result.snapshotId);

    const second = await run(['--json', 'backup', '--profile', 'Office']);
    expect(second.code, second.err).toBe(0);
    expect(JSON.parse(second.out).stats.newBytes).toBe(0); // nothing changed: nothing new stored

    const prune = await run(['--json', 'prune', '--profile', 'Office', '--dry-run']);
    expect(prune.code, prune.err).toBe(0);
    // Both restore points are of the same day: the newest is kept, the other would go.
    expect(JSON.parse(prune.out)).toMatchObject({ dryRun: true, forget: [{ id: result.snapshotId }], keep: [{ id: JSON.parse(second.out).snapshotId }] });
    expect(JSON.parse((await run(['--json', 'snapshots', '--profile', 'Office'])).out).restorePoints).toHaveLength(2); // dry run: nothing deleted
  });

  it('fails with a plain message and exit 1 (or 2 for usage)', async () => {
    const location = newLocation();
    await addProfile('Locked', location);
    const first = await run(['backup', '--profile', 'Locked'], { PCI_BACKUP_PASSPHRASE: 'right passphrase' });
    expect(first.code, first.err).toBe(0);
    const wrong = await run(['snapshots', '--profile', 'Locked'], { PCI_BACKUP_PASSPHRASE: 'wrong passphrase' });
    expect(wrong.code).toBe(1);
    expect(wrong.err).toContain('The passphrase is not right');
    expect(wrong.err).toContain('cannot be recovered');
    const json = await run(['--json', 'backup', '--profile', 'Nobody']);
    expect(json.code).toBe(1);
    expect(JSON.parse(json.out)).toMatchObject({ ok: false, error: { code: 'PROFILE_NOT_FOUND' } });
    expect((await run(['backup', '--profile', 'Locked', '--tag', 'Not Valid'])).code).toBe(2);
  });

  it.each(['mongo-mid-collection', 'r2-mid-object', 'before-snapshot'])('survives kill -9 at %s', async (point) => {
    const location = newLocation();
    const profile = `Crash ${point}`;
    await addProfile(profile, location);
    await killAt(profile, point);

    const after = await run(['--json', 'snapshots', '--profile', profile]);
    expect(after.code, after.err).toBe(0);
    expect(JSON.parse(after.out).restorePoints).toEqual([]);
    const repo = await Repository.open(new FolderStore(location));
    expect(await repo.listSnapshots()).toEqual([]);
    expect(fs.readdirSync(path.join(location, 'locks'))).toHaveLength(1); // the dead process's lock, stale now

    const next = await run(['--json', 'backup', '--profile', profile]);
    expect(next.code, next.err).toBe(0);
    const stats = JSON.parse(next.out).stats;
    expect(stats.reusedBytes).toBeGreaterThan(0); // what the killed run wrote is used, not written again
    if (point === 'before-snapshot') expect(stats.newBytes).toBe(0);
    expect(fs.readdirSync(path.join(location, 'locks'))).toEqual([]);
  });
});
