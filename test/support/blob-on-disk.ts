// Where one blob's bytes are in a folder backup location, in either format: its own file (version 1)
// or its range of a pack file (version 2). Tests use it to damage exactly one blob.
import fs from 'node:fs';
import path from 'node:path';
import { FolderStore, Repository, indexPath, type PackRecord } from '../../electron/core/repository';

export interface BlobOnDisk {
  /** Absolute path of the file holding the blob. */
  file: string;
  /** Repository path of that file (what verification names). */
  rel: string;
  offset: number;
  length: number;
}

export async function locateBlob(dir: string, id: string, passphrase?: string): Promise<BlobOnDisk> {
  const repo = await Repository.open(new FolderStore(dir), { passphrase });
  for await (const b of repo.listBlobs()) {
    if (b.id !== id) continue;
    const offset = repo.packed ? (await repo.packs()).get(id)!.offset : 0;
    return { file: path.join(dir, ...b.path.split('/')), rel: b.path, offset, length: b.size };
  }
  throw new Error(`blob ${id} is not in ${dir}`);
}

/** Flip bits of byte `at` of the blob (counted from the blob's first byte); returns a function that undoes it. */
export async function flipBlobByte(dir: string, id: string, at: (length: number) => number, mask = 0x01, passphrase?: string): Promise<() => void> {
  const where = await locateBlob(dir, id, passphrase);
  const original = fs.readFileSync(where.file);
  const damaged = Buffer.from(original);
  damaged[where.offset + at(where.length)] ^= mask;
  fs.writeFileSync(where.file, damaged);
  return () => fs.writeFileSync(where.file, original);
}

/**
 * Make one blob missing. Version 1: delete its file. Version 2: rewrite the index files without it (its
 * pack file also holds other blobs, which stay).
 */
export async function removeBlob(dir: string, id: string, passphrase?: string): Promise<void> {
  const repo = await Repository.open(new FolderStore(dir), { passphrase });
  if (!repo.packed) {
    fs.rmSync(path.join(dir, 'blobs', id.slice(0, 2), id));
    return;
  }
  const index = await repo.packs();
  if (!index.has(id)) throw new Error(`blob ${id} is not in ${dir}`);
  const packs = new Map<string, PackRecord>();
  for (const b of index.entries()) {
    if (b.id === id) continue;
    const record = packs.get(b.pack) ?? { id: b.pack, blobs: [] };
    record.blobs.push({ id: b.id, offset: b.offset, length: b.length, size: b.size });
    packs.set(b.pack, record);
  }
  await repo.writeIndexFiles([...packs.values()]);
  for (const old of index.indexFiles) await repo.store.delete(indexPath(old));
}
