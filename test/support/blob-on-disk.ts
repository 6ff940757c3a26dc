// Where one blob's bytes are in a folder backup location, in either format: its own file (version 1)
// or its range of a pack file (version 2). Tests use it to damage exactly one blob.
import fs from 'node:fs';
import path from 'node:path';
import { FolderStore, Repository } from '../../electron/core/repository';

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
