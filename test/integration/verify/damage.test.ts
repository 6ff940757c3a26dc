// Verification against real damage on disk: each kind of damage is found, with the right code, restore
// point, logical path and blob; an intact location reports nothing. Each test damages its own copy.
import fs from 'node:fs/promises';
import path from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FolderStore } from '../../../electron/core/repository';
import { verifyBackup, type VerifyOptions } from '../../../electron/core/verify/verify';
import { removeTempDirs, testContext } from '../../support/backup';
import { decodeIndex } from '../../../electron/core/repository/packs';
import { locateBlob } from '../../support/blob-on-disk';
import { blobFile, chunkOf, copyOf, makeFixture, PROFILE, type Fixture } from './fixture';

// Most damage here is done to one blob's own file: locations of format version 1. The same checks on
// pack files (version 2) are at the end.
let fx: Fixture;
let secret: Fixture;
let packed: Fixture;
beforeAll(async () => {
  fx = await makeFixture({ formatVersion: 1 });
  secret = await makeFixture({ passphrase: 'correct horse battery staple', servers: fx.servers, formatVersion: 1 });
  packed = await makeFixture({ formatVersion: 2 }); // its own servers: its two backups differ as fx's do
});
afterAll(async () => {
  await fx?.servers.close();
  await packed?.servers.close();
  await removeTempDirs();
});

const verify = (dir: string, options: Partial<VerifyOptions> = {}, passphrase?: string) =>
  verifyBackup({ store: new FolderStore(dir), passphrase }, { snapshot: 'latest', depth: 'full', profile: PROFILE, ...options }, testContext());

const codes = (r: Awaited<ReturnType<typeof verify>>) => r.problems.map((p) => ({ code: p.code, path: p.path, blob: p.blob, snapshotId: p.snapshotId }));

describe('verification', () => {
  it('reports nothing for an intact location, at every depth and for every restore point', async () => {
    for (const depth of ['quick', 'full'] as const) {
      const r = await verify(fx.dir, { depth, snapshot: 'all' });
      expect(r.problems).toEqual([]);
      expect(r.ok).toBe(true);
      expect(r.checked.snapshots).toBe(2);
      expect(r.checked.entries).toBe(fx.first.stats.entries + fx.latest.stats.entries);
    }
    const full = await verify(fx.dir);
    expect(full.checked.blobsRead).toBe(full.checked.blobs - fx.latest.manifest.length);
    expect(full.checked.documents).toBe(121); // 120 files + 1 settings document, each parsed
    expect(full.checked.metadataFiles).toBe(2);
    expect(full.snapshots).toEqual([expect.objectContaining({ id: fx.latest.id, ok: true, problems: 0 })]);
  });

  it('finds a flipped bit as a hash mismatch, naming the object', async () => {
    const dir = await copyOf(fx);
    const blob = chunkOf(fx, 'r2/pci-files/photos/a.jpg');
    const data = await fs.readFile(blobFile(dir, blob));
    data[1000] ^= 0x10;
    await fs.writeFile(blobFile(dir, blob), data);
    expect(codes(await verify(dir))).toEqual([{ code: 'hash-mismatch', path: 'r2/pci-files/photos/a.jpg', blob, snapshotId: fx.latest.id }]);
    expect((await verify(dir, { depth: 'quick' })).ok).toBe(true); // the size is right: only reading finds it
  });

  it('finds a truncated blob as the wrong size, quick and full', async () => {
    const dir = await copyOf(fx);
    const blob = chunkOf(fx, 'r2/pci-files/photos/b.jpg');
    await fs.truncate(blobFile(dir, blob), 5);
    const expected = [{ code: 'wrong-size', path: 'r2/pci-files/photos/b.jpg', blob, snapshotId: fx.latest.id }];
    expect(codes(await verify(dir, { depth: 'quick' }))).toEqual(expected);
    expect(codes(await verify(dir))).toEqual(expected);
    const half = await copyOf(fx);
    await fs.truncate(blobFile(half, blob), 20_000); // could pass for a compressed blob by size: reading tells
    expect(codes(await verify(half))).toEqual(expected);
  });

  it('finds a deleted blob as missing, in every restore point and item that uses it', async () => {
    const dir = await copyOf(fx);
    const blob = chunkOf(fx, 'r2/pci-files/docs/report.txt');
    await fs.rm(blobFile(dir, blob));
    const r = await verify(dir, { depth: 'quick', snapshot: 'all' });
    expect(codes(r)).toEqual([
      { code: 'missing', path: 'r2/pci-files/docs/report.txt', blob, snapshotId: fx.first.id },
      { code: 'missing', path: 'r2/pci-files/docs/report.txt', blob, snapshotId: fx.latest.id },
    ]);
    expect(r.problems[0].file).toBe(`blobs/${blob.slice(0, 2)}/${blob}`);
    expect(r.snapshots.map((s) => s.ok)).toEqual([false, false]);
  });

  it('finds two swapped blobs as hash mismatches, naming both objects', async () => {
    const dir = await copyOf(fx);
    const a = chunkOf(fx, 'r2/pci-files/photos/a.jpg');
    const b = chunkOf(fx, 'r2/pci-files/photos/b.jpg');
    await fs.rename(blobFile(dir, a), `${blobFile(dir, a)}.x`);
    await fs.rename(blobFile(dir, b), blobFile(dir, a));
    await fs.rename(`${blobFile(dir, a)}.x`, blobFile(dir, b));
    const r = await verify(dir);
    expect(codes(r)).toEqual(
      expect.arrayContaining([
        { code: 'hash-mismatch', path: 'r2/pci-files/photos/a.jpg', blob: a, snapshotId: fx.latest.id },
        { code: 'hash-mismatch', path: 'r2/pci-files/photos/b.jpg', blob: b, snapshotId: fx.latest.id },
      ]),
    );
    expect(r.problemCount).toBe(2);
  });

  it('finds an edited file list (manifest part), naming the restore point and the part', async () => {
    const dir = await copyOf(fx);
    const part = fx.latest.manifest[0];
    const raw = await fs.readFile(blobFile(dir, part));
    const text = (raw[0] === 1 ? gunzipSync(raw.subarray(1)) : raw.subarray(1)).toString('utf8').replace('"photos/a.jpg"', '"photos/z.jpg"').replace('r2/pci-files/photos/a.jpg', 'r2/pci-files/photos/z.jpg');
    await fs.writeFile(blobFile(dir, part), Buffer.concat([Buffer.of(1), gzipSync(Buffer.from(text))]));
    const r = await verify(dir);
    expect(codes(r)).toEqual([{ code: 'hash-mismatch', path: null, blob: part, snapshotId: fx.latest.id }]);
    expect(r.problems[0].message).toContain('file list');
  });

  it('finds the latest restore point file replaced by an older one, and does not quietly verify the one before', async () => {
    const dir = await copyOf(fx);
    await fs.copyFile(path.join(dir, 'snapshots', fx.first.id), path.join(dir, 'snapshots', fx.latest.id));
    const r = await verify(dir, { depth: 'quick' });
    expect(r.problems).toEqual([expect.objectContaining({ code: 'snapshot-replaced', path: null, blob: null, snapshotId: fx.latest.id, file: `snapshots/${fx.latest.id}` })]);
    expect(r.ok).toBe(false);
    const direct = await verify(dir, { depth: 'quick', snapshot: fx.latest.id });
    expect(direct.snapshots).toEqual([expect.objectContaining({ id: fx.latest.id, ok: false })]);
  });

  it('finds an edited restore point file (its item count) as an entries mismatch', async () => {
    const dir = await copyOf(fx);
    const file = path.join(dir, 'snapshots', fx.latest.id);
    const header = JSON.parse(await fs.readFile(file, 'utf8')) as { stats: { entries: number } };
    header.stats.entries -= 1;
    await fs.writeFile(file, JSON.stringify(header));
    expect(codes(await verify(dir, { depth: 'quick' }))).toEqual([{ code: 'entries-mismatch', path: null, blob: null, snapshotId: fx.latest.id }]);
  });

  it('finds a flipped bit in an encrypted location as "cannot decrypt"', async () => {
    const dir = await copyOf(secret);
    const blob = chunkOf(secret, 'r2/pci-files/photos/a.jpg');
    const data = await fs.readFile(blobFile(dir, blob));
    data[500] ^= 0x01;
    await fs.writeFile(blobFile(dir, blob), data);
    expect((await verify(secret.dir, {}, secret.passphrase)).problems).toEqual([]);
    expect(codes(await verify(dir, {}, secret.passphrase))).toEqual([{ code: 'cannot-decrypt', path: 'r2/pci-files/photos/a.jpg', blob, snapshotId: secret.latest.id }]);
  });

  it('stops with a clear error for a wrong passphrase, before checking anything', async () => {
    await expect(verify(secret.dir, {}, 'wrong')).rejects.toMatchObject({ code: 'WRONG_PASSPHRASE' });
  });
});

describe('verification of pack files (format version 2)', () => {
  it('reports nothing for an intact packed location, at every depth', async () => {
    for (const depth of ['quick', 'full'] as const) expect((await verify(packed.dir, { depth, snapshot: 'all' })).problems).toEqual([]);
    const top = (await fs.readdir(packed.dir)).sort();
    expect(top).toEqual(expect.arrayContaining(['index', 'packs']));
    expect(top).not.toContain('blobs');
  });

  it('finds a flipped bit inside a pack as a hash mismatch of that one blob, naming the object and the pack file', async () => {
    const dir = await copyOf(packed);
    const blob = chunkOf(packed, 'r2/pci-files/photos/a.jpg');
    const at = await locateBlob(dir, blob);
    const data = await fs.readFile(at.file);
    data[at.offset + 1000] ^= 0x10;
    await fs.writeFile(at.file, data);
    const r = await verify(dir);
    expect(codes(r)).toEqual([{ code: 'hash-mismatch', path: 'r2/pci-files/photos/a.jpg', blob, snapshotId: packed.latest.id }]);
    expect(r.problems[0].file).toBe(at.rel);
    expect(at.rel).toMatch(/^packs\/[0-9a-f]{2}\/[0-9a-f]{32}$/);
  });

  it('a deleted pack names every restore point and item whose data it held', async () => {
    const dir = await copyOf(packed);
    const blob = chunkOf(packed, 'r2/pci-files/docs/report.txt');
    expect(packed.first.manifest[0]).not.toBe(packed.latest.manifest[0]); // the second backup changed something
    const at = await locateBlob(dir, blob);
    await fs.rm(at.file);
    const r = await verify(dir, { depth: 'quick', snapshot: 'all' });
    expect(r.ok).toBe(false);
    expect(r.snapshots.map((s) => s.ok)).toEqual([false, false]);
    // The first backup's pack also held its file list: that restore point cannot be listed at all;
    // the latest one names the item.
    expect(r.problems).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ code: 'missing', path: null, blob: packed.first.manifest[0], snapshotId: packed.first.id }),
        expect.objectContaining({ code: 'missing', path: 'r2/pci-files/docs/report.txt', blob, snapshotId: packed.latest.id }),
      ]),
    );
    expect(r.problems.every((p) => p.code === 'missing')).toBe(true);
  });

  it('finds a pack cut short as the wrong size for the blobs past the cut, quick and full; those before it are fine', async () => {
    const dir = await copyOf(packed);
    const a = await locateBlob(dir, chunkOf(packed, 'r2/pci-files/photos/a.jpg'));
    const b = await locateBlob(dir, chunkOf(packed, 'r2/pci-files/photos/b.jpg'));
    expect(a.file).toBe(b.file); // one backup: one pack
    const [first, second] = a.offset < b.offset ? [a, b] : [b, a];
    await fs.truncate(second.file, second.offset + 5);
    for (const depth of ['quick', 'full'] as const) {
      const r = await verify(dir, { depth });
      const paths = r.problems.map((p) => p.path);
      const cut = second === a ? 'r2/pci-files/photos/a.jpg' : 'r2/pci-files/photos/b.jpg';
      const intact = first === a ? 'r2/pci-files/photos/a.jpg' : 'r2/pci-files/photos/b.jpg';
      expect(r.problems.find((p) => p.path === cut)?.code).toBe('wrong-size');
      expect(paths).not.toContain(intact);
    }
  });

  it('a damaged index file is reported, and the data only it lists is missing', async () => {
    const dir = await copyOf(packed);
    const names = await fs.readdir(path.join(dir, 'index'));
    expect(names.length).toBe(2); // one per backup
    // Damage the first backup's index: it lists a.jpg; the latest backup's lists its own file list.
    const latestManifest = await locateBlob(dir, packed.latest.manifest[0]);
    const firstsIndex: string[] = [];
    for (const name of names) {
      const index = await decodeIndex(name, await fs.readFile(path.join(dir, 'index', name)), null);
      if (!index.packs.some((p) => latestManifest.rel.endsWith(p.id))) firstsIndex.push(name);
    }
    expect(firstsIndex).toHaveLength(1);
    const file = path.join(dir, 'index', firstsIndex[0]);
    const data = await fs.readFile(file);
    data[data.length - 4] ^= 0x01;
    await fs.writeFile(file, data);
    const r = await verify(dir, { depth: 'quick' });
    expect(r.ok).toBe(false);
    expect(r.problems.filter((p) => p.code === 'damaged').map((p) => p.file)).toEqual([`index/${firstsIndex[0]}`]);
    expect(r.problems).toEqual(expect.arrayContaining([expect.objectContaining({ code: 'missing', path: 'r2/pci-files/photos/a.jpg', snapshotId: packed.latest.id })]));
  });
});
