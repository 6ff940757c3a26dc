// Profiles as a list of sources: the rules across sources, the accessors, and reading a version-1
// profiles.json (migrated in memory; the first write keeps the old file as profiles.v1.json).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { UserError } from '../../../shared/errors';
import { appLogSources, folderPaths, mongoSource, Profile, requireMongoSource, s3Source, sqliteSources, type ProfileInput } from '../../../shared/profile';
import { migrateProfileV1 } from '../../../electron/core/profiles/migrate';
import { PROFILES_V1_COPY, ProfileStore } from '../../../electron/core/profiles/store';

const dest = { kind: 'folder', path: '/backups' } as const;
const V1 = {
  name: 'Office',
  mongo: { database: 'pcifm' },
  r2: { accountId: 'acc', region: 'auto', bucket: 'pci-files', accessKeyId: 'AKID', forcePathStyle: false },
  folders: ['/etc/pcifm', '/srv/pcifm/config'],
  fileRecords: { collection: 'files', keyField: 'storageKey' },
  destination: dest,
  secretEnv: { mongoUri: 'OFFICE_URI' },
  backupMaxAgeHours: 30,
  app: { healthUrl: 'http://127.0.0.1:3000/health' },
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-02-01T00:00:00.000Z',
};

const dirs: string[] = [];
function home(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pci-profiles-v2-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

describe('a profile with sources', () => {
  it('keeps the kinds and defaults of every source', () => {
    const p = Profile.parse({
      name: 'Portfolio',
      preset: 'sqlite',
      sources: [
        { kind: 'sqlite', path: '/srv/site/data.db' },
        { kind: 'folder', path: '/srv/site/uploads' },
        { kind: 'app-logs', paths: ['/var/log/site.log'], archiveFolder: '/var/log/site-archive' },
      ],
      destination: dest,
    } satisfies ProfileInput);
    expect(sqliteSources(p)).toEqual([{ kind: 'sqlite', path: '/srv/site/data.db', exportTables: [], exportKeepWeeks: 12 }]);
    expect(appLogSources(p)).toEqual([{ kind: 'app-logs', paths: ['/var/log/site.log'], archiveFolder: '/var/log/site-archive', keepDays: 7 }]);
    expect(folderPaths(p)).toEqual(['/srv/site/uploads']);
    expect(mongoSource(p)).toBeUndefined();
    expect(s3Source(p)).toBeUndefined();
    expect(p.fileRecords).toBeNull();
  });

  it('refuses two databases, two buckets, no source at all, file records without both, and log sets without files', () => {
    const bucket = { kind: 's3', accountId: 'a', bucket: 'pci-files', accessKeyId: 'k' } as const;
    const messages = (input: unknown) => Profile.safeParse(input).error?.issues.map((i) => i.message) ?? [];
    expect(messages({ name: 'A', sources: [{ kind: 'mongodb', database: 'a' }, { kind: 'mongodb', database: 'b' }], destination: dest })[0]).toMatch(/Only one MongoDB database per connection/);
    expect(messages({ name: 'A', sources: [bucket, bucket], destination: dest })[0]).toMatch(/Only one bucket per connection/);
    expect(messages({ name: 'A', sources: [], destination: dest })[0]).toMatch(/at least one thing to back up/);
    expect(messages({ name: 'A', sources: [bucket], fileRecords: { collection: 'files', keyField: 'k' }, destination: dest })[0]).toMatch(/needs both/);
    expect(messages({ name: 'A', sources: [{ kind: 'app-logs', paths: [], archiveFolder: '/a' }], destination: dest })).toHaveLength(1);
  });

  it('says in plain words when a step needs a source the connection does not have', () => {
    const p = Profile.parse({ name: 'Files only', sources: [{ kind: 'folder', path: '/srv' }], destination: dest });
    const err = (() => {
      try {
        requireMongoSource(p);
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(UserError);
    expect(err).toMatchObject({ code: 'NOT_AVAILABLE', message: 'The connection "Files only" has no MongoDB database, so this step does not apply to it.' });
  });
});

describe('version-1 profiles', () => {
  it('become PCI File Manager connections: database, bucket, then folders, everything else kept', () => {
    const p = migrateProfileV1(V1);
    expect(p).toEqual({
      name: 'Office',
      preset: 'pci',
      sources: [
        { kind: 'mongodb', database: 'pcifm' },
        { kind: 's3', accountId: 'acc', region: 'auto', bucket: 'pci-files', accessKeyId: 'AKID', forcePathStyle: false },
        { kind: 'folder', path: '/etc/pcifm' },
        { kind: 'folder', path: '/srv/pcifm/config' },
      ],
      fileRecords: { collection: 'files', keyField: 'storageKey' },
      destination: dest,
      secretEnv: { mongoUri: 'OFFICE_URI' },
      backupMaxAgeHours: 30,
      app: { healthUrl: 'http://127.0.0.1:3000/health' },
      createdAt: '2026-01-01T00:00:00.000Z',
      updatedAt: '2026-02-01T00:00:00.000Z',
    });
  });

  it('are read from a version-1 file without changing it; the first save writes version 2 and keeps the old file once', async () => {
    const dir = home();
    const file = path.join(dir, 'profiles.json');
    const old = JSON.stringify({ version: 1, profiles: [V1] }, null, 2) + '\n';
    fs.writeFileSync(file, old);
    const store = new ProfileStore(dir);
    expect(store.get('Office')).toEqual(migrateProfileV1(V1));
    expect(fs.readFileSync(file, 'utf8')).toBe(old);
    expect(fs.existsSync(path.join(dir, PROFILES_V1_COPY))).toBe(false);

    await store.save({ name: 'Files', sources: [{ kind: 'folder', path: '/srv/files' }], destination: dest });
    expect(fs.readFileSync(path.join(dir, PROFILES_V1_COPY), 'utf8')).toBe(old);
    const written = JSON.parse(fs.readFileSync(file, 'utf8')) as { version: number; profiles: Profile[] };
    expect(written.version).toBe(2);
    expect(written.profiles.map((p) => [p.name, p.preset, p.sources.map((s) => s.kind)])).toEqual([
      ['Office', 'pci', ['mongodb', 's3', 'folder', 'folder']],
      ['Files', 'custom', ['folder']],
    ]);
    expect((fs.statSync(file).mode & 0o777).toString(8)).toBe('600');

    await store.save({ ...store.get('Files'), backupMaxAgeHours: 12 });
    expect(fs.readFileSync(path.join(dir, PROFILES_V1_COPY), 'utf8')).toBe(old);
    expect(new ProfileStore(dir).get('Files').backupMaxAgeHours).toBe(12);
  });

  it('a damaged version-1 profile is a plain error and nothing is written', async () => {
    const dir = home();
    const file = path.join(dir, 'profiles.json');
    const broken = JSON.stringify({ version: 1, profiles: [{ ...V1, r2: undefined }] });
    fs.writeFileSync(file, broken);
    const store = new ProfileStore(dir);
    expect(() => store.list()).toThrow(expect.objectContaining({ code: 'INVALID_INPUT', title: 'Connections file damaged' }));
    await expect(store.save({ name: 'Files', sources: [{ kind: 'folder', path: '/srv' }], destination: dest })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    expect(fs.readFileSync(file, 'utf8')).toBe(broken);
    expect(fs.existsSync(path.join(dir, PROFILES_V1_COPY))).toBe(false);
  });
});
