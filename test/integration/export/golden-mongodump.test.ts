// Golden mongodump fixtures (test/fixtures/mongodump, built byte by byte from mongo-tools' format
// descriptions by make-fixtures.ts, not by our exporter): a folder dump plain and --gzip with
// prelude.json, and an --archive file plain and gzip-compressed, with a collection, a view and a
// time-series collection. Import reads each of them to the same restore point; export writes exactly
// what the folder dump contains; a damaged archive is refused with a clear error.
import fs from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { EXPORT_MANIFEST, exportSnapshot } from '../../../electron/core/export/export';
import { importMongodump } from '../../../electron/core/export/import-mongodump';
import { Crc64 } from '../../../electron/core/export/mongodump-archive';
import type { Repository } from '../../../electron/core/repository';
import { verifyBackup } from '../../../electron/core/verify/verify';
import type { FolderStore } from '../../../electron/core/repository';
import { contentOf, entriesOf, newRepo, removeTempDirs, tempDir, testContext } from '../../support/backup';

const FIXTURES = path.resolve(__dirname, '../../fixtures/mongodump');
const PLAIN = path.join(FIXTURES, 'plain/dump');
const FILES = ['big_spenders.metadata.json', 'orders.bson', 'orders.metadata.json', 'readings.metadata.json', 'system.buckets.readings.bson'];

afterAll(removeTempDirs);

async function imported(from: string): Promise<{ repo: Repository; contents: Map<string, Buffer> }> {
  const { repo } = await newRepo();
  const r = await importMongodump(repo, { from, profile: 'Office', appVersion: 'test' }, testContext());
  expect(r).toMatchObject({ databases: ['shop'], collections: 2, documents: 4 });
  const contents = new Map<string, Buffer>();
  for (const e of await entriesOf(repo, r.snapshotId)) contents.set(e.path, await contentOf(repo, e));
  const check = await verifyBackup({ store: repo.store as FolderStore }, { snapshot: r.snapshotId, depth: 'full' }, testContext());
  expect(check.problems).toEqual([]);
  return { repo, contents };
}

describe('golden mongodump fixtures', () => {
  it('the archive checksum is CRC-64-ECMA as mongodump computes it (check value of "123456789")', () => {
    const crc = new Crc64();
    crc.update(Buffer.from('123456789'));
    expect(crc.digest()).toBe(0x995dc9bbdf1939fan);
  });

  it('imports the plain folder dump byte for byte, prelude.json and all', async () => {
    const { contents } = await imported(PLAIN);
    expect([...contents.keys()].sort()).toEqual(FILES.map((f) => `mongo/shop/${f}`).sort());
    for (const f of FILES) expect(contents.get(`mongo/shop/${f}`)!.equals(await fs.readFile(path.join(PLAIN, 'shop', f)))).toBe(true);
  });

  it('imports the --gzip folder dump and both archives to the same contents', async () => {
    const { contents: plain } = await imported(PLAIN);
    for (const from of [path.join(FIXTURES, 'gzip/dump'), path.join(FIXTURES, 'archive/shop.archive'), path.join(FIXTURES, 'archive/shop.archive.gz')]) {
      const { contents } = await imported(from);
      expect([...contents.keys()].sort()).toEqual([...plain.keys()].sort());
      for (const [p, data] of plain) expect(contents.get(p)!.equals(data), `${from}: ${p}`).toBe(true);
    }
  });

  it('exports what the folder dump contains, file for file', async () => {
    const { repo } = await imported(path.join(FIXTURES, 'archive/shop.archive'));
    const out = await tempDir();
    await exportSnapshot(repo, { snapshot: 'latest', to: out, zip: false }, testContext());
    expect((await fs.readdir(path.join(out, 'dump', 'shop'))).sort()).toEqual([...FILES].sort());
    for (const f of FILES) expect((await fs.readFile(path.join(out, 'dump', 'shop', f))).equals(await fs.readFile(path.join(PLAIN, 'shop', f))), f).toBe(true);
    await expect(fs.stat(path.join(out, EXPORT_MANIFEST))).resolves.toBeDefined();
  });

  it('refuses a cut-off archive and one whose checksum does not match, saying so', async () => {
    const whole = await fs.readFile(path.join(FIXTURES, 'archive/shop.archive'));
    const dir = await tempDir();
    const cut = path.join(dir, 'cut.archive');
    await fs.writeFile(cut, whole.subarray(0, whole.length - 40));
    const { repo } = await newRepo();
    await expect(importMongodump(repo, { from: cut, profile: 'Office', appVersion: 'test' }, testContext())).rejects.toMatchObject({ code: 'INVALID_INPUT', title: 'Not a complete mongodump archive' });
    const flipped = Buffer.from(whole);
    const at = flipped.indexOf(Buffer.from('ana')); // inside the first order document
    flipped[at] = 'A'.charCodeAt(0);
    const bad = path.join(dir, 'bad.archive');
    await fs.writeFile(bad, flipped);
    await expect(importMongodump(repo, { from: bad, profile: 'Office', appVersion: 'test' }, testContext())).rejects.toMatchObject({ code: 'INVALID_INPUT', message: expect.stringMatching(/checksum of shop\.orders does not match/) });
    expect(await repo.listSnapshots()).toEqual([]);
  });
});
