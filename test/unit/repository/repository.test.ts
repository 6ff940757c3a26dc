// Repository: set up / open, blobs with dedup and verification, snapshots written last.
import fs from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { blobPath } from '../../../electron/core/repository/blob-codec';
import { FolderStore } from '../../../electron/core/repository/folder-store';
import { Repository } from '../../../electron/core/repository/repository';
import type { ManifestEntry } from '../../../electron/core/repository/schemas';
import { FORMAT_VERSIONS, TEST_SCRYPT_N, expectUserError, flipBit, newRepo, pseudoRandom, storedAt, tempDir } from './helpers';

const text = Buffer.from('PCI File Manager metadata, quite repetitive. '.repeat(5000));

async function fileEntry(repo: Repository, name: string, data: Buffer): Promise<ManifestEntry> {
  const { id, size } = await repo.putBlob(data);
  return { kind: 'file', path: `files/config/${name}`, mode: 0o644, mtime: new Date(0).toISOString(), size, chunks: [{ id, size }] };
}

const input = { tags: ['manual'], profile: 'Main office', appVersion: '0.1.0', consistency: 'best-effort' as const };

describe('set up and open', () => {
  it('writes a readable config and opens it again', async () => {
    const { dir, store, repo } = await newRepo({ formatVersion: 2 });
    const config = JSON.parse(await fs.readFile(path.join(dir, 'config'), 'utf8'));
    expect(config).toMatchObject({ format: 'pci-maintenance-backup', version: 2, encryption: null, compression: 'gzip' }); // new locations: pack files
    expect(config.chunker).toEqual({ algorithm: 'gear-v1', minSize: 524288, avgSize: 1048576, maxSize: 4194304 });
    const again = await Repository.open(store);
    expect(again.id).toBe(repo.id);
    expect(again.encrypted).toBe(false);
  });

  it('refuses to set up a second repository in the same place', async () => {
    const { store } = await newRepo();
    await expectUserError(Repository.init(store), 'INVALID_INPUT');
  });

  it('says REPO_NOT_FOUND for an empty folder and DEST_NOT_FOUND for a missing one', async () => {
    const dir = await tempDir();
    await expectUserError(Repository.open(new FolderStore(dir)), 'REPO_NOT_FOUND');
    await expectUserError(Repository.open(new FolderStore(path.join(dir, 'gone'))), 'DEST_NOT_FOUND');
  });

  it('needs the passphrase of an encrypted location, and refuses a wrong one', async () => {
    const { store, repo } = await newRepo({ passphrase: 'open sesame' });
    expect(repo.encrypted).toBe(true);
    const config = JSON.parse((await store.get('config')).toString());
    expect(config.encryption).toMatchObject({ kdf: 'scrypt', N: TEST_SCRYPT_N, r: 8, p: 1, algorithm: 'aes-256-gcm' });
    await expectUserError(Repository.open(store), 'PASSPHRASE_REQUIRED');
    await expectUserError(Repository.open(store, { passphrase: 'open sesame!' }), 'WRONG_PASSPHRASE');
    expect((await Repository.open(store, { passphrase: 'open sesame' })).encrypted).toBe(true);
  });

  it('an existing version 1 location stays version 1: it opens, and new blobs go into one file each', async () => {
    const { dir, store } = await newRepo({ formatVersion: 1 });
    const repo = await Repository.open(store);
    expect(repo.packed).toBe(false);
    const { id } = await repo.putBlob(text);
    await fs.access(path.join(dir, ...blobPath(id).split('/')));
    expect(JSON.parse(await fs.readFile(path.join(dir, 'config'), 'utf8')).version).toBe(1);
    await expect(fs.readdir(path.join(dir, 'packs'))).rejects.toThrow(/ENOENT/);
  });

  it('refuses a newer format version, and reports a damaged config naming the file', async () => {
    const { dir, store } = await newRepo();
    const file = path.join(dir, 'config');
    const config = JSON.parse(await fs.readFile(file, 'utf8'));
    await fs.writeFile(file, JSON.stringify({ ...config, version: 3, somethingNew: true }));
    await expectUserError(Repository.open(store), 'REPO_UNSUPPORTED_VERSION');
    await fs.writeFile(file, JSON.stringify({ ...config, chunker: 'nope' }));
    expect((await expectUserError(Repository.open(store), 'BACKUP_DAMAGED')).message).toContain('config');
    await fs.writeFile(file, '{ not json');
    await expectUserError(Repository.open(store), 'BACKUP_DAMAGED');
  });
});

describe.each(FORMAT_VERSIONS)('blobs (format version %i)', (formatVersion) => {
  for (const passphrase of [undefined, 'secret']) {
    const label = passphrase ? 'encrypted' : 'plain';

    it(`round-trips compressible and incompressible data (${label})`, async () => {
      const { repo, store } = await newRepo({ passphrase, formatVersion });
      const noise = pseudoRandom(200_000, 5);
      const a = await repo.putBlob(text);
      const b = await repo.putBlob(noise);
      expect(a.stored && b.stored).toBe(true);
      expect(a.storedBytes).toBeLessThan(text.length / 10);
      expect(b.storedBytes).toBeGreaterThanOrEqual(noise.length);
      expect((await repo.getBlob(a.id)).equals(text)).toBe(true); // readable before it is durable, too
      await repo.flush();
      const reopened = await Repository.open(store, { passphrase });
      expect((await reopened.getBlob(a.id)).equals(text)).toBe(true);
      expect((await reopened.getBlob(b.id)).equals(noise)).toBe(true);
    });

    it(`stores the same data once (${label})`, async () => {
      const { repo, store } = await newRepo({ passphrase, formatVersion });
      const first = await repo.putBlob(text);
      const second = await repo.putBlob(Buffer.from(text));
      expect(first).toMatchObject({ stored: true });
      expect(second).toEqual({ id: first.id, size: text.length, stored: false, storedBytes: 0 });
      // Concurrent puts of the same data write it once too.
      const data = pseudoRandom(50_000, 9);
      const results = await Promise.all([repo.putBlob(data), repo.putBlob(data), repo.putBlob(data)]);
      expect(results.filter((r) => r.stored)).toHaveLength(1);
      await repo.flush();
      // A fresh session learns what exists by listing once (and reading the index files).
      const reopened = await Repository.open(store, { passphrase });
      expect(await reopened.hasBlob(first.id)).toBe(true);
      expect(await reopened.putBlob(text)).toMatchObject({ stored: false });
      const blobs = [];
      for await (const o of reopened.listBlobs()) blobs.push(o.id);
      expect(blobs.sort()).toEqual([first.id, results[0].id].sort());
      const files = [];
      for await (const o of store.list(formatVersion === 1 ? 'blobs/' : 'packs/')) files.push(o.path);
      expect(files).toHaveLength(formatVersion === 1 ? 2 : 1); // format 2: both in one pack file
    });

    it(`a flipped bit is BACKUP_DAMAGED naming the file (${label})`, async () => {
      const { repo, dir } = await newRepo({ passphrase, formatVersion });
      await repo.putBlob(Buffer.from('another blob before it, in the same pack'));
      const { id } = await repo.putBlob(text);
      await repo.flush();
      const at = await storedAt(repo, dir, id);
      await flipBit(at.file, at.offset + 40);
      const err = await expectUserError(repo.getBlob(id), 'BACKUP_DAMAGED');
      expect(err.message).toContain(at.rel);
      expect(at.rel).toMatch(formatVersion === 1 ? /^blobs\// : /^packs\//);
    });
  }

  it('a missing blob is BACKUP_DAMAGED naming the file', async () => {
    const { repo, store, dir } = await newRepo({ formatVersion });
    const { id } = await repo.putBlob(text);
    await repo.flush();
    const at = await storedAt(repo, dir, id);
    await store.delete(at.rel);
    expect((await expectUserError(repo.getBlob(id), 'BACKUP_DAMAGED')).message).toContain(at.rel);
    // A fresh session does not count on a blob whose pack file is gone: it is written again.
    const reopened = await Repository.open(store);
    expect(await reopened.hasBlob(id)).toBe(false);
    expect(await reopened.putBlob(text)).toMatchObject({ stored: true });
  });
});

describe('pack files (format version 2)', () => {
  it('a backup of many small blobs writes a few pack files and one index file, not a file per blob', async () => {
    const { repo, store } = await newRepo({ formatVersion: 2 });
    const writer = repo.createManifestWriter();
    for (let i = 0; i < 300; i++) {
      const put = await writer.putBlob(pseudoRandom(40_000, i + 1));
      await writer.add({ kind: 'file', path: `files/config/f${i}`, mode: 0o644, mtime: new Date(0).toISOString(), size: put.size, chunks: [{ id: put.id, size: put.size }] });
    }
    const snapshot = await writer.finish(input);
    const count = async (prefix: string) => {
      let n = 0;
      for await (const _o of store.list(prefix)) n += 1;
      return n;
    };
    // 12 MB of data in 8 MiB packs: 2 packs, 1 index file, 1 snapshot — and no loose blob files.
    expect(await count('packs/')).toBe(2);
    expect(await count('index/')).toBe(1);
    expect(await count('blobs/')).toBe(0);
    const reopened = await Repository.open(store);
    let n = 0;
    for await (const e of reopened.readManifest(snapshot)) {
      if ('chunks' in e) expect((await reopened.getBlob(e.chunks[0].id)).equals(pseudoRandom(40_000, n + 1))).toBe(true);
      n += 1;
    }
    expect(n).toBe(300);
  });

  it('a failed pack write fails the backup, and no later backup of this process counts on what it held', async () => {
    const { repo, store } = await newRepo({ formatVersion: 2 });
    const original = store.put.bind(store);
    let fail = true;
    store.put = async (p: string, data: Buffer) => {
      if (fail && p.startsWith('packs/')) throw new Error('disk unplugged');
      return original(p, data);
    };
    const writer = repo.createManifestWriter();
    const put = await writer.putBlob(text); // buffered: the write fails at finish
    await writer.add({ kind: 'file', path: 'files/config/a', mode: 0o644, mtime: new Date(0).toISOString(), size: put.size, chunks: [{ id: put.id, size: put.size }] });
    await expect(writer.finish(input)).rejects.toThrow('disk unplugged');
    expect(await repo.listSnapshots()).toEqual([]);
    fail = false;
    expect(await repo.putBlob(text)).toMatchObject({ stored: true });
    await repo.flush();
    expect((await (await Repository.open(store)).getBlob(put.id)).equals(text)).toBe(true);
  });
});

describe('pack files after a failed write (format version 2)', () => {
  it('the packs written before the failure get an index file, and the next backup reuses them', async () => {
    const { repo, store } = await newRepo({ formatVersion: 2 });
    const original = store.put.bind(store);
    let packs = 0;
    store.put = async (p: string, data: Buffer) => {
      if (p.startsWith('packs/') && ++packs > 1) throw new Error('network gone');
      return original(p, data);
    };
    const blobs = Array.from({ length: 20 }, (_, i) => pseudoRandom(1024 * 1024, 500 + i));
    const writer = repo.createManifestWriter();
    const failed = (async () => {
      for (const b of blobs) await writer.putBlob(b);
      await writer.finish(input);
    })();
    await expect(failed).rejects.toThrow('network gone');
    store.put = original;
    const next = await Repository.open(store);
    const reused = (await Promise.all(blobs.map((b) => next.putBlob(b)))).filter((r) => !r.stored).length;
    expect(reused).toBeGreaterThanOrEqual(7); // the first pack: about 8 MiB of the 20
    expect(reused).toBeLessThan(20);
  });
});

describe('snapshots', () => {
  it('writes, lists and reads snapshots with their stats (plain and encrypted)', async () => {
    for (const passphrase of [undefined, 'pw']) {
      const { repo, store, dir } = await newRepo({ passphrase });
      const e1 = await fileEntry(repo, 'a.json', text);
      const e2 = await fileEntry(repo, 'b.json', Buffer.from('{}'));
      const s1 = await repo.writeSnapshot({ ...input, createdAt: new Date('2025-01-01T10:00:00Z') }, [e1, e2]);
      expect(s1.stats).toMatchObject({ entries: 2, bytes: text.length + 2 });
      expect(s1.stats.sources).toEqual([{ kind: 'files', name: 'config', entries: 2, bytes: text.length + 2 }]);
      const writer = repo.createManifestWriter();
      const put = await writer.putBlob(Buffer.from('new content'));
      await writer.add({ kind: 'file', path: 'files/config/c.json', mode: 0o600, mtime: new Date(0).toISOString(), size: put.size, chunks: [{ id: put.id, size: put.size }] });
      await writer.add(e1);
      const s2 = await writer.finish({ ...input, tags: ['pre-update'], parent: s1.id });
      expect(s2.stats).toMatchObject({ entries: 2, newBytes: 11, reusedBytes: text.length, newBlobs: 2 });

      const reopened = await Repository.open(store, { passphrase });
      const list = await reopened.listSnapshots();
      expect(list.map((s) => s.id)).toEqual([s1.id, s2.id]);
      expect(await reopened.readSnapshot(s2.id)).toEqual(s2);
      const entries = [];
      for await (const e of reopened.readManifest(s2)) entries.push(e.path);
      expect(entries).toEqual(['files/config/c.json', 'files/config/a.json']);

      const raw = await fs.readFile(path.join(dir, 'snapshots', s1.id));
      expect(raw.includes(Buffer.from('Main office'))).toBe(!passphrase); // profile names stay private when encrypted
    }
  });

  it('an unknown snapshot is SNAPSHOT_NOT_FOUND; a damaged one is BACKUP_DAMAGED naming the file', async () => {
    const { repo, dir } = await newRepo({ passphrase: 'pw' });
    await expectUserError(repo.readSnapshot('0'.repeat(32)), 'SNAPSHOT_NOT_FOUND');
    await expectUserError(repo.readSnapshot('../config'), 'SNAPSHOT_NOT_FOUND');
    const s = await repo.writeSnapshot(input, [await fileEntry(repo, 'a', text)]);
    await flipBit(path.join(dir, 'snapshots', s.id), 20);
    expect((await expectUserError(repo.readSnapshot(s.id), 'BACKUP_DAMAGED')).message).toContain(`snapshots/${s.id}`);
    await expectUserError(repo.listSnapshots(), 'BACKUP_DAMAGED');
    const damaged: string[] = [];
    expect(await repo.listSnapshots({ onDamaged: (id) => damaged.push(id) })).toEqual([]);
    expect(damaged).toEqual([s.id]);
  });

  it('an interrupted backup leaves no snapshot: the snapshot file is written only by finish()', async () => {
    const { repo, store } = await newRepo();
    const writer = repo.createManifestWriter({ partBytes: 1024 });
    const ids: string[] = [];
    for (let i = 0; i < 200; i++) {
      const put = await writer.putBlob(Buffer.from(`object ${i}`));
      ids.push(put.id);
      await writer.add({ kind: 'file', path: `files/config/f${i}`, mode: 0o644, mtime: new Date(0).toISOString(), size: put.size, chunks: [{ id: put.id, size: put.size }] });
    }
    // Blobs and manifest parts were already put (bounded memory), but no snapshot exists yet.
    for (const id of ids) expect(await repo.hasBlob(id)).toBe(true);
    expect(await repo.listSnapshots()).toEqual([]);
    writer.abort(); // canceled
    await expect(writer.finish(input)).rejects.toThrow(/aborted/);
    expect(await Repository.open(store).then((r) => r.listSnapshots())).toEqual([]);
  });

  it('a failure while writing the snapshot file leaves no snapshot', async () => {
    const { repo } = await newRepo();
    const entry = await fileEntry(repo, 'a', text);
    const writer = repo.createManifestWriter();
    await writer.add(entry);
    const original = repo.store.put.bind(repo.store);
    repo.store.put = async (p: string, data: Buffer) => {
      if (p.startsWith('snapshots/')) throw new Error('power cut');
      return original(p, data);
    };
    await expect(writer.finish(input)).rejects.toThrow('power cut');
    repo.store.put = original;
    expect(await repo.listSnapshots()).toEqual([]);
  });

  it('refuses an entry that names a blob which is not stored', async () => {
    const { repo } = await newRepo();
    const writer = repo.createManifestWriter();
    const id = 'ab'.repeat(32);
    await expect(writer.add({ kind: 'file', path: 'files/c/x', mode: 0, mtime: new Date(0).toISOString(), size: 1, chunks: [{ id, size: 1 }] })).rejects.toThrow(/not stored/);
    await expect(
      writer.add({ kind: 'r2-object', path: 'r2/b/other-key', bucket: 'b', key: 'k' } as unknown as ManifestEntry),
    ).rejects.toThrow(/Invalid manifest entry/);
  });
});
