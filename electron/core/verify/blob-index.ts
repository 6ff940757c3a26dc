// Every blob the verified restore points name, once each (blobs are shared between restore points),
// with what is known about it: its size, whether it holds BSON documents (and how many), and what the
// checks found. Only ids and numbers are kept — paths are looked up again for the few damaged blobs.
import type { Repository } from '../repository';
import type { VerifyProblemCode } from '../../../shared/api/verify';
import type { InspectingStore } from './inspecting-store';
import { classifyBlobError } from './problems';

export const BlobState = { Unchecked: 0, Present: 1, Read: 2, Bad: 3 } as const;
export type BlobState = (typeof BlobState)[keyof typeof BlobState];

export interface BlobInfo {
  /** Plaintext size the manifest gives. */
  size: number;
  /** Documents in this chunk when it is part of a `.bson` entry, else -1. */
  docs: number;
  state: BlobState;
}

export interface BadBlob {
  code: VerifyProblemCode;
  why: string;
}

export class BlobIndex {
  readonly blobs = new Map<string, BlobInfo>();
  readonly bad = new Map<string, BadBlob>();

  /** Record a reference; returns a conflict message when another reference gave another size. */
  add(id: string, size: number, docs = -1): string | null {
    const known = this.blobs.get(id);
    if (!known) {
      this.blobs.set(id, { size, docs, state: BlobState.Unchecked });
      return null;
    }
    if (docs >= 0 && known.docs < 0) known.docs = docs;
    return known.size === size ? null : `the file list says ${size} bytes where another entry says ${known.size}`;
  }

  markBad(id: string, bad: BadBlob): void {
    const info = this.blobs.get(id);
    if (info) info.state = BlobState.Bad;
    if (!this.bad.has(id)) this.bad.set(id, bad);
  }
}

export type BlobRead = { ok: true; data: Buffer } | { ok: false; code: VerifyProblemCode; why: string };

/** Read, decrypt, decompress and hash one blob; any damage comes back as a problem code, never thrown. */
export async function readBlobChecked(repo: Repository, store: InspectingStore, id: string, expectedSize: number | null): Promise<BlobRead> {
  try {
    const data = await repo.getBlob(id);
    store.take(repo.blobReadKey(id));
    if (expectedSize !== null && data.length !== expectedSize) return { ok: false, code: 'wrong-size', why: `its content is ${data.length} bytes, the file list says ${expectedSize}` };
    return { ok: true, data };
  } catch (err) {
    const shape = store.take(repo.blobReadKey(id));
    const classified = classifyBlobError(err, expectedSize, shape, repo.encrypted);
    if (!classified) throw err; // not damage: the location is unreachable, access denied, … — the whole check stops
    return { ok: false, ...classified };
  }
}
