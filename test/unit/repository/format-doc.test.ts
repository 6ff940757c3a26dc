// A second, independent reader written only from docs/backup-format.md (plain node:crypto and
// node:zlib, nothing from the repository code), run against locations the app wrote. If this
// passes, the document is enough to get data back without this app.
import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { FORMAT_VERSIONS, newRepo, pseudoRandom } from './helpers';

interface DocEntry {
  kind: string;
  path: string;
  size?: number;
  chunks?: Array<{ id: string; size: number }>;
}

function aesGcmOpen(key: Buffer, envelope: Buffer, aad: Buffer): Buffer {
  const d = crypto.createDecipheriv('aes-256-gcm', key, envelope.subarray(0, 12));
  d.setAAD(aad);
  d.setAuthTag(envelope.subarray(envelope.length - 16));
  return Buffer.concat([d.update(envelope.subarray(12, envelope.length - 16)), d.final()]);
}

const hkdf = (m: Buffer, info: string) => Buffer.from(crypto.hkdfSync('sha256', m, Buffer.alloc(0), Buffer.from(info), 32));

/** Reads every entry of every snapshot and returns path → content. */
async function readWithTheDocument(dir: string, passphrase?: string): Promise<Map<string, Buffer>> {
  const read = (rel: string) => fs.readFile(path.join(dir, ...rel.split('/')));
  const config = JSON.parse((await read('config')).toString());
  expect([1, 2]).toContain(config.version);
  let dataKey: Buffer | null = null;
  let idKey: Buffer | null = null;
  if (config.encryption) {
    const e = config.encryption;
    const kek = crypto.scryptSync(Buffer.from(passphrase!.normalize('NFC')), Buffer.from(e.salt, 'base64'), 32, { N: e.N, r: e.r, p: e.p, maxmem: 256 * e.N * e.r });
    expect(crypto.createHmac('sha256', kek).update('pci-maintenance/v1/key-check').digest('base64')).toBe(e.keyCheck);
    const master = aesGcmOpen(kek, Buffer.from(e.wrappedKey, 'base64'), Buffer.from(`pci-maintenance/v1/master-key/${config.id}`));
    dataKey = hkdf(master, 'pci-maintenance/v1/data');
    idKey = hkdf(master, 'pci-maintenance/v1/blob-id');
  }
  // Version 2: every index file says where its blobs are (pack, offset, length).
  const where = new Map<string, { pack: string; offset: number; length: number }>();
  if (config.version === 2) {
    for (const name of await fs.readdir(path.join(dir, 'index'))) {
      const raw = await read(`index/${name}`);
      const flag = raw[0];
      const body = dataKey ? aesGcmOpen(dataKey, raw.subarray(1), Buffer.concat([Buffer.of(flag), Buffer.from(`index/${name}`)])) : raw.subarray(1);
      const index = JSON.parse((flag === 1 ? zlib.gunzipSync(body) : body).toString());
      expect(index.version).toBe(2);
      for (const pack of index.packs) for (const b of pack.blobs) where.set(b.id, { pack: pack.id, offset: b.offset, length: b.length });
    }
  }
  const blob = async (id: string): Promise<Buffer> => {
    let file: Buffer;
    if (config.version === 1) file = await read(`blobs/${id.slice(0, 2)}/${id}`);
    else {
      const at = where.get(id)!;
      file = (await read(`packs/${at.pack.slice(0, 2)}/${at.pack}`)).subarray(at.offset, at.offset + at.length);
    }
    const flag = file[0];
    const body = dataKey ? aesGcmOpen(dataKey, file.subarray(1), Buffer.concat([Buffer.of(flag), Buffer.from(id)])) : file.subarray(1);
    const plain = flag === 1 ? zlib.gunzipSync(body) : body;
    const actual = idKey ? crypto.createHmac('sha256', idKey).update(plain).digest('hex') : crypto.createHash('sha256').update(plain).digest('hex');
    expect(actual).toBe(id);
    return plain;
  };
  const out = new Map<string, Buffer>();
  for (const name of await fs.readdir(path.join(dir, 'snapshots'))) {
    const raw = await read(`snapshots/${name}`);
    const snapshot = JSON.parse((dataKey ? aesGcmOpen(dataKey, raw, Buffer.from(`snapshots/${name}`)) : raw).toString());
    let count = 0;
    for (const part of snapshot.manifest as string[]) {
      for (const line of (await blob(part)).toString().split('\n')) {
        if (!line) continue;
        const entry = JSON.parse(line) as DocEntry;
        count += 1;
        if (!entry.chunks) continue;
        const content = Buffer.concat(await Promise.all(entry.chunks.map((c) => blob(c.id))));
        expect(content.length).toBe(entry.size);
        out.set(entry.path, content);
      }
    }
    expect(count).toBe(snapshot.stats.entries);
  }
  return out;
}

describe.each(FORMAT_VERSIONS)('docs/backup-format.md is enough to write a reader (format version %i)', (formatVersion) => {
  for (const passphrase of [undefined, 'a passphrase']) {
    it(passphrase ? 'encrypted location' : 'plain location', async () => {
      const { repo, dir } = await newRepo({ passphrase, formatVersion });
      const big = pseudoRandom(2_500_000, 77);
      const meta = Buffer.from(JSON.stringify({ options: {}, indexes: [{ v: 2, key: { _id: 1 }, name: '_id_' }] }));
      const writer = repo.createManifestWriter();
      const chunks = [];
      for await (const c of repo.chunk([big])) {
        const r = await writer.putBlob(c);
        chunks.push({ id: r.id, size: r.size });
      }
      await writer.add({ kind: 'file', path: 'files/config/big.bin', mode: 0o644, mtime: new Date().toISOString(), size: big.length, chunks });
      const m = await writer.putBlob(meta);
      await writer.add({ kind: 'mongo-metadata', path: 'mongo/pci/files.metadata.json', db: 'pci', collection: 'files', size: meta.length, chunks: [{ id: m.id, size: m.size }] });
      await writer.add({ kind: 'symlink', path: 'files/config/link', target: 'big.bin', mtime: new Date().toISOString() });
      await writer.finish({ tags: ['manual'], profile: 'p', appVersion: '0', consistency: 'best-effort' });

      const contents = await readWithTheDocument(dir, passphrase);
      const top = (await fs.readdir(dir)).filter((n) => !n.startsWith('.')).sort();
      expect(top).toEqual(formatVersion === 1 ? ['blobs', 'config', 'snapshots'] : ['config', 'index', 'packs', 'snapshots']);
      expect(contents.get('files/config/big.bin')?.equals(big)).toBe(true);
      expect(contents.get('mongo/pci/files.metadata.json')?.equals(meta)).toBe(true);
    });
  }
});
