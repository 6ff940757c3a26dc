// The storage consistency checker against a seeded PCI File Manager (MongoDB test double + S3 test
// server): it finds exactly the anomalies the dataset generator planted, writes them all to CSV, and
// changes nothing on either side.
import fs from 'node:fs/promises';
import path from 'node:path';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkConsistency, type ConsistencyPorts } from '../../../electron/core/check/check';
import { seedDataset, type DatasetSummary } from '../../support/dataset/index';
import { removeTempDirs, startServers, tempDir, testContext, type Servers } from '../../support/backup';

const MAPPING = { collection: 'files', keyField: 'storageKey', sizeField: 'size', deletedField: 'deletedAt' };
let servers: Servers;
let summary: DatasetSummary;
let ports: ConsistencyPorts;

beforeAll(async () => {
  servers = await startServers();
  summary = await seedDataset({ mongoUri: servers.mongo.uri, database: 'pcifm', s3: { endpoint: servers.s3.endpoint, accessKeyId: servers.s3.accessKeyId, secretAccessKey: servers.s3.secretAccessKey, bucket: 'pci-files' }, seed: 7, scale: 'small' });
  servers.s3.stats.reset(); // count only what the check does
  ports = { mongo: { client: servers.mongoClient, database: 'pcifm' }, r2: { client: servers.s3Client, bucket: 'pci-files' }, mapping: MAPPING, tmpDir: await tempDir('pci-check-') };
}, 60_000);
afterAll(async () => {
  await servers?.close();
  await removeTempDirs();
});

describe('storage consistency check', () => {
  it('finds exactly the planted anomalies', async () => {
    const r = await checkConsistency(ports, testContext(), { pageSize: 50 });
    const keys = (list: { items: { key: string }[] }) => list.items.map((i) => i.key).sort();
    expect(keys(r.orphans)).toEqual(summary.anomalies.orphanObjects);
    expect(keys(r.missing)).toEqual(summary.anomalies.missingObjects);
    expect(keys(r.deletedWithObject)).toEqual(summary.anomalies.softDeletedWithObject);
    expect(keys(r.sizeMismatches)).toEqual(summary.anomalies.sizeMismatches);
    for (const m of r.sizeMismatches.items) expect(m.objectSize).toBe(Math.floor(m.recordSize / 2));
    expect(r).toMatchObject({ ok: false, records: summary.collections.files, objects: summary.objects.count, objectBytes: summary.objects.bytes, recordsWithoutKey: 0 });
    expect(r.orphans.bytes).toBe(r.orphans.items.reduce((n, o) => n + o.size, 0));
    // Read-only: nothing was written to the bucket.
    expect(servers.s3.stats.total('PutObject', 'DeleteObject', 'DeleteObjects')).toBe(0);
  });

  it('compares keys by their bytes, whatever order MongoDB or JavaScript would sort them in', async () => {
    const db = servers.mongoClient.db('odd');
    const keys = ['Zebra', 'apple', 'é-accent', 'e\u0301-combining', '\uff5e-fullwidth', '\u{1f600}-emoji', 'a b', 'a/b', 'a%2Fb'];
    await db.collection('files').insertMany(keys.map((k, i) => ({ storageKey: k, size: i + 1 })));
    await db.collection('files').insertMany([{ storageKey: null }, { size: 3 }, { storageKey: 42 }]);
    const s3 = await startServers({ buckets: ['odd-bucket'] });
    try {
      for (const [i, k] of keys.entries()) await s3.s3Client.send(new PutObjectCommand({ Bucket: 'odd-bucket', Key: k, Body: Buffer.alloc(i + 1) }));
      const csvFile = path.join(await tempDir(), 'result.csv');
      const r = await checkConsistency({ ...ports, mongo: { client: servers.mongoClient, database: 'odd' }, r2: { client: s3.s3Client, bucket: 'odd-bucket' } }, testContext(), { csvFile });
      expect(r).toMatchObject({ ok: true, records: 12, recordsWithoutKey: 3, objects: keys.length });
      expect([r.missing.count, r.orphans.count, r.sizeMismatches.count, r.deletedWithObject.count]).toEqual([0, 0, 0, 0]);
      const csv = await fs.readFile(csvFile, 'utf8');
      expect(csv.split('\r\n').filter((l) => l.startsWith('record without a file key'))).toHaveLength(3);
    } finally {
      await s3.close();
    }
  });

  it('writes every finding to CSV, safe for spreadsheets, and lists only the first items in the result', async () => {
    await servers.mongoClient.db('pcifm').collection('files').insertOne({ storageKey: '=HYPERLINK("http://evil")', size: 1 });
    const csvFile = path.join(await tempDir(), 'check.csv');
    const r = await checkConsistency(ports, testContext(), { csvFile, listLimit: 1 });
    expect(r.orphans.items).toHaveLength(1);
    expect(r.orphans.count).toBe(summary.anomalies.orphanObjects.length);
    const lines = (await fs.readFile(csvFile, 'utf8')).trimEnd().split('\r\n');
    // The page's words: "Missing files", "Size differs", "Files without a record", "Leftovers of deleted files".
    expect(lines[0]).toBe('problem,file key,record,size in the record,size in R2');
    const count = (problem: string) => lines.filter((l) => l.startsWith(`${problem},`)).length;
    expect(count('file without a record')).toBe(summary.anomalies.orphanObjects.length);
    expect(count('missing file')).toBe(summary.anomalies.missingObjects.length + 1);
    expect(count('size differs')).toBe(summary.anomalies.sizeMismatches.length);
    expect(count('leftover of a deleted file')).toBe(summary.anomalies.softDeletedWithObject.length);
    expect(lines.find((l) => l.includes('HYPERLINK'))).toMatch(/^missing file,"'=HYPERLINK\(""http:\/\/evil""\)",/);
    await expect(fs.readdir(ports.tmpDir)).resolves.toEqual([]); // the comparison file is gone
  });
});
