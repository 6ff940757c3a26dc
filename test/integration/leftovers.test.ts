// What interrupted jobs leave behind, through the built CLI against the test servers: temporary blob
// files in the backup location (planted, with real ages) are removed by the next backup, by prune and
// by maintenance — never one a job running now may still be writing — and the unfinished folder of an
// export killed with kill -9 is removed by the next export to the same place and by maintenance.
// Maintenance says what it removed, with sizes, and "none were left over" only when that is true.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { saveProfile } from '../../electron/core/profiles/service';
import { BUCKET, DB, removeTempDirs, startServers, type Servers } from '../support/backup';
import { tempDir, testEngine } from '../support/engine';
import { seedInstallation } from '../support/restore';
import { killCliAt, runCli } from '../support/serve';

const HOUR = 3_600_000;
let s: Servers;
let home: string;
let env: NodeJS.ProcessEnv;
let location: string;

const run = (args: string[]) => runCli(home, env, args);

async function tmpTask(): Promise<string> {
  const r = await run(['--json', 'maintenance', 'run', '--task', 'tmp']);
  expect(r.code, r.out + r.err).toBe(0);
  return (JSON.parse(r.out) as { summary: { tasks: { did: string }[] } }).summary.tasks[0].did;
}

/** A temporary file as a killed write leaves it: beside the blobs, `ageMs` old. */
function plantTemp(dir: string, name: string, bytes: number, ageMs: number): string {
  const file = path.join(location, dir, `.tmp-${name}`);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, Buffer.alloc(bytes, 7));
  const t = new Date(Date.now() - ageMs);
  fs.utimesSync(file, t, t);
  return file;
}

function partialsOf(target: string): string[] {
  const prefix = `${path.basename(target)}.partial-`;
  return fs.readdirSync(path.dirname(target)).filter((n) => n.startsWith(prefix));
}

function sizeOf(p: string): number {
  const st = fs.statSync(p);
  return st.isDirectory() ? fs.readdirSync(p).reduce((n, e) => n + sizeOf(path.join(p, e)), 0) : st.size;
}

async function killedExport(target: string): Promise<string> {
  const paused = await killCliAt(home, env, ['export', '--profile', 'office', '--to', target], 'export-entry-written:3');
  expect(paused, 'the export never reached its third item').toBe(true);
  const left = partialsOf(target);
  expect(left).toHaveLength(1);
  return path.join(path.dirname(target), left[0]);
}

beforeAll(async () => {
  s = await startServers();
  await seedInstallation(s);
  home = tempDir('pci-leftovers-home-');
  location = tempDir('pci-leftovers-location-');
  env = { ...process.env, PCI_MONGODB_URI: `${s.mongo.uri}${DB}`, PCI_R2_SECRET_ACCESS_KEY: s.s3.secretAccessKey, PCI_BACKUP_PASSPHRASE: '' };
  const engine = testEngine({ home, env });
  try {
    await saveProfile(engine, { name: 'office', sources: [{ kind: 'mongodb', database: DB }, { kind: 's3', endpoint: s.s3.endpoint, bucket: BUCKET, accessKeyId: s.s3.accessKeyId, forcePathStyle: true }], destination: { kind: 'folder', path: location } });
  } finally {
    await engine.dispose();
  }
  const b = await run(['backup', '--profile', 'office']);
  expect(b.code, b.out + b.err).toBe(0);
}, 60_000);

afterAll(async () => {
  await s?.close();
  await removeTempDirs();
});

describe('leftovers in the backup location', () => {
  it('a backup removes old temporary files and keeps fresh ones (a write may be going on)', async () => {
    const old = plantTemp('blobs/ab', 'aaaa0001', 250_000, 2 * HOUR);
    const fresh = plantTemp('snapshots', 'aaaa0002', 1_000, 60_000);
    const r = await run(['backup', '--profile', 'office']);
    expect(r.code, r.out + r.err).toBe(0);
    expect(fs.existsSync(old)).toBe(false);
    expect(fs.existsSync(fresh)).toBe(true);
  });

  it('maintenance removes them with their size, and says "none" only when there are none', async () => {
    plantTemp('blobs/cd', 'bbbb0001', 250_000, 3 * HOUR);
    plantTemp('blobs/ef', 'bbbb0002', 250_000, 3 * HOUR);
    plantTemp('', 'bbbb0003', 250_000, 3 * HOUR);
    const fresh = path.join(location, 'snapshots', '.tmp-aaaa0002');
    expect(await tmpTask()).toBe('Removed 3 unfinished files (750 KB): 3 in the backup location of "office".');
    expect(fs.existsSync(fresh)).toBe(true); // too young: it may be the write of a backup running now
  });

  it('prune removes every temporary file: under its exclusive lock nobody is writing', async () => {
    const r = await run(['--json', 'prune', '--profile', 'office']);
    expect(r.code, r.out + r.err).toBe(0);
    expect((JSON.parse(r.out) as { notes?: string[] }).notes).toEqual(['Removed 1 unfinished file (1.0 KB) that interrupted backups had left.']);
    expect(fs.existsSync(path.join(location, 'snapshots', '.tmp-aaaa0002'))).toBe(false);
    expect(await tmpTask()).toBe('No temporary files were left over.');
  });
});

describe('unfinished exports', () => {
  it('maintenance removes the folder of an export killed with kill -9, with its size', async () => {
    const target = path.join(tempDir('pci-leftovers-export-'), 'out');
    const partial = await killedExport(target);
    const bytes = sizeOf(partial);
    expect(bytes).toBeGreaterThan(0);
    const did = await tmpTask();
    expect(did).toMatch(/^Removed 1 unfinished file \(.+\): 1 unfinished export\.$/);
    expect(fs.existsSync(partial)).toBe(false);
    expect(await tmpTask()).toBe('No temporary files were left over.');
  });

  it('the next export to the same place removes what the killed one left, and finishes', async () => {
    const target = path.join(tempDir('pci-leftovers-export-'), 'again');
    const partial = await killedExport(target);
    const r = await run(['export', '--profile', 'office', '--to', target]);
    expect(r.code, r.out + r.err).toBe(0);
    expect(r.out).toMatch(/Removed 1 unfinished export \(.+\) left here by an earlier export that was stopped\./);
    expect(fs.existsSync(partial)).toBe(false);
    expect(partialsOf(target)).toEqual([]);
    expect(fs.existsSync(path.join(target, 'dump', DB, 'files.bson'))).toBe(true);
  });
});
