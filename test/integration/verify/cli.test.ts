// verify, check, export and import-mongodump as a person or a cron job runs them: a saved profile, a
// real backup of a seeded PCI File Manager, JSON output, exit codes, and what the history keeps.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../../electron/cli/program';
import { saveProfile } from '../../../electron/core/profiles/service';
import { FolderStore, Repository } from '../../../electron/core/repository';
import type { VerifyResult } from '../../../shared/api/verify';
import type { ConsistencyResult } from '../../../shared/api/check';
import { seedDataset, type DatasetSummary } from '../../support/dataset';
import { tempDir, testEngine, type TestEngine } from '../../support/engine';
import { startMongoTestServer, type MongoTestServer } from '../../support/mongo-wire';
import { startS3TestServer, type S3TestServer } from '../../support/s3';
import { entriesOf } from '../../support/backup';
import { flipBlobByte } from '../../support/blob-on-disk';

let mongo: MongoTestServer;
let s3: S3TestServer;
let data: DatasetSummary;
let engine: TestEngine;
const backups = tempDir('pci-verify-cli-');

beforeAll(async () => {
  [mongo, s3] = await Promise.all([startMongoTestServer(), startS3TestServer({ buckets: ['pci-files'] })]);
  data = await seedDataset({ mongoUri: mongo.uri, s3: { ...s3, bucket: 'pci-files' }, seed: 3 });
  engine = testEngine();
  await saveProfile(
    engine,
    {
      name: 'Office',
      sources: [{ kind: 'mongodb', database: 'pcifm' }, { kind: 's3', endpoint: s3.endpoint, bucket: 'pci-files', accessKeyId: s3.accessKeyId, forcePathStyle: true }],
      destination: { kind: 'folder', path: backups },
      fileRecords: { collection: 'files', keyField: 'storageKey', sizeField: 'size', deletedField: 'deletedAt' },
    },
    { mongoUri: `${mongo.uri}pcifm`, r2SecretAccessKey: s3.secretAccessKey },
  );
}, 60_000);
afterAll(async () => {
  await engine?.dispose();
  await Promise.all([mongo?.close(), s3?.close()]);
  fs.rmSync(backups, { recursive: true, force: true });
});

async function cli(...args: string[]): Promise<{ code: number; out: string; err: string; json: () => unknown }> {
  let out = '';
  let err = '';
  const code = await runCli(['--home', engine.home, ...args], { out: (t) => (out += `${t}\n`), err: (t) => (err += `${t}\n`), isTTY: false });
  return { code, out, err, json: () => JSON.parse(out) };
}

describe('pci-maint verify / check / export / import-mongodump', () => {
  it('verifies a fresh backup quick, full, sampled and with a test restore', async () => {
    expect((await cli('backup', '--profile', 'Office')).code).toBe(0);
    const quick = await cli('verify', '--profile', 'Office');
    expect(quick.code).toBe(0);
    expect(quick.out).toContain('Everything is there');
    const full = await cli('--json', 'verify', '--profile', 'Office', '--full', '--test-restore');
    expect(full.code).toBe(0);
    const r = full.json() as VerifyResult;
    expect(r).toMatchObject({ ok: true, depth: 'full', testRestore: true, problems: [] });
    expect(r.checked.documents).toBe(Object.values(data.collections).reduce((a, b) => a + b, 0));
    expect(r.checked.restoredDocuments).toBe(r.checked.documents);
    for (const run of [1, 2]) {
      const sampled = (await cli('--json', 'verify', '--profile', 'Office', '--sample', '50%')).json() as VerifyResult;
      expect(sampled.sample).toMatchObject({ coveredPercent: run === 1 ? 50 : 0, lastCompleteAt: run === 1 ? null : expect.any(String) });
    }
    expect((await cli('verify', '--profile', 'Office', '--full', '--sample', '5')).code).toBe(2);
  });

  it('exits 1 and names the damaged file, and the history and status say so', async () => {
    const repo = await Repository.open(new FolderStore(backups));
    const [latest] = (await repo.listSnapshots()).reverse();
    const object = (await entriesOf(repo, latest)).find((e) => e.kind === 'r2-object' && e.size > 1000)!;
    const blob = 'chunks' in object ? object.chunks[0].id : '';
    const undo = await flipBlobByte(backups, blob, () => 100);
    try {
      const bad = await cli('--json', 'verify', '--profile', 'Office', '--full');
      expect(bad.code).toBe(3); // ran fine, found damage
      expect((bad.json() as VerifyResult).problems).toEqual([expect.objectContaining({ snapshotId: latest.id, path: object.path, blob, code: expect.stringMatching(/hash-mismatch|cannot-decompress/) })]);
      const text = await cli('verify', '--profile', 'Office', '--full');
      expect(text.out).toContain(object.path);
      expect(text.out).toContain('What to do');
      const status = await engine.handlers['verify.status']({ profile: 'Office' });
      expect(status.snapshots[latest.id]).toMatchObject({ depth: 'full', ok: false, problems: 1 });
      const last = engine.history.list({ kind: 'verify', limit: 1 }).items[0];
      expect(last).toMatchObject({ status: 'problems', error: { code: 'BACKUP_DAMAGED' }, summary: { ok: false, problemCount: 1 } });
    } finally {
      undo();
    }
  });

  it('checks storage consistency, finds the planted anomalies and writes CSV', async () => {
    const csv = path.join(tempDir(), 'check.csv');
    const res = await cli('--json', 'check', '--profile', 'Office', '--csv', csv);
    expect(res.code).toBe(3); // found problems (records whose file is missing: lost data)
    const r = res.json() as ConsistencyResult;
    expect(r.missing.items.map((i) => i.key).sort()).toEqual(data.anomalies.missingObjects);
    // History keeps the same outcome: the check ran fine and found problems (not "Succeeded").
    const item = engine.history.list({ kind: 'consistency', limit: 1 }).items[0];
    expect(item).toMatchObject({ status: 'problems', error: { code: 'PROBLEMS_FOUND' } });
    expect(item.error?.message).toContain(`${r.missing.count.toLocaleString('en-US')} file record`);
    expect(r.orphans.items.map((i) => i.key).sort()).toEqual(data.anomalies.orphanObjects);
    expect(r.problems).toBe(Object.values(data.anomalies).reduce((n, list) => n + list.length, 0));
    expect(fs.readFileSync(csv, 'utf8').split('\r\n')[0]).toBe('problem,file key,record,size in the record,size in R2');
    const job = engine.history.list({ kind: 'consistency', limit: 1 }).items[0];
    expect(job.status).toBe('problems');
    expect((await engine.handlers['check.csv']({ id: job.id })).csv).toBe(fs.readFileSync(csv, 'utf8'));
  });

  it('exports as a folder and a zip, and imports the dump back as a restore point', async () => {
    const out = path.join(tempDir(), 'export');
    const exported = await cli('export', '--profile', 'Office', '--to', out);
    expect(exported.code).toBe(0);
    expect(exported.out).toContain('mongorestore --dir');
    expect(fs.existsSync(path.join(out, 'dump', 'pcifm', 'files.bson'))).toBe(true);
    expect((await cli('export', '--profile', 'Office', '--to', out)).code).toBe(2); // never overwrites: choose another --to
    const zip = path.join(tempDir(), 'backup.zip');
    expect((await cli('export', '--profile', 'Office', '--to', zip, '--zip')).code).toBe(0);
    const imported = await cli('--json', 'import-mongodump', '--profile', 'Office', '--from', path.join(out, 'dump'));
    expect(imported.code).toBe(0);
    expect(imported.json()).toMatchObject({ ok: true, databases: ['pcifm'], collections: 6 });
    const list = await cli('--json', 'snapshots', '--profile', 'Office');
    expect(JSON.stringify(list.json())).toContain('imported');
  });
});
