// The deep part of a verification: read every (or every sampled) blob, decrypt, decompress and hash
// it against its id, and parse database chunks document by document. Reads run a few at a time;
// decryption, inflating and hashing run on libuv's thread pool (WebCrypto, async zlib), so the event
// loop only splits and parses BSON, a chunk at a time.
import { setImmediate as nextTurn } from 'node:timers/promises';
import { forEachLimit } from '../repository/blob-store';
import type { Repository } from '../repository';
import { BlobState, readBlobChecked, type BlobIndex } from './blob-index';
import { checkBsonChunk } from './bson-check';
import type { InspectingStore } from './inspecting-store';

export interface ReadOptions {
  signal: AbortSignal;
  concurrency: number;
  /** Which blobs to read (sampled verification); all when omitted. */
  include?: (id: string) => boolean;
  onProgress: (blobs: number, bytes: number) => void;
  /** Called for each blob read, damaged or not (tests use it to measure coverage). */
  onBlobRead?: (id: string) => void;
}

export interface ReadTotals {
  blobsRead: number;
  bytesRead: number;
  documents: number;
}

/** The blobs a read pass would read, and their plaintext bytes (for progress totals). */
export function planReads(index: BlobIndex, include?: (id: string) => boolean): { blobs: number; bytes: number } {
  let blobs = 0;
  let bytes = 0;
  for (const [id, info] of index.blobs) {
    if (info.state !== BlobState.Present || (include && !include(id))) continue;
    blobs += 1;
    bytes += info.size;
  }
  return { blobs, bytes };
}

export async function readBlobs(repo: Repository, store: InspectingStore, index: BlobIndex, options: ReadOptions): Promise<ReadTotals> {
  const totals: ReadTotals = { blobsRead: 0, bytesRead: 0, documents: 0 };
  const todo = function* () {
    for (const [id, info] of index.blobs) if (info.state === BlobState.Present && (!options.include || options.include(id))) yield id;
  };
  await forEachLimit(todo(), options.concurrency, async (id) => {
    options.signal.throwIfAborted();
    const info = index.blobs.get(id)!;
    const read = await readBlobChecked(repo, store, id, info.size);
    options.onBlobRead?.(id);
    totals.blobsRead += 1;
    totals.bytesRead += info.size;
    if (!read.ok) {
      index.markBad(id, { code: read.code, why: read.why });
    } else {
      info.state = BlobState.Read;
      if (info.docs >= 0) {
        await nextTurn(); // parsing is the one synchronous step: let the event loop breathe between chunks
        const parsed = checkBsonChunk(read.data);
        totals.documents += parsed.docs;
        if (!parsed.ok) index.markBad(id, { code: 'bson-parse-error', why: parsed.why });
        else if (parsed.docs !== info.docs) index.markBad(id, { code: 'count-mismatch', why: `it holds ${parsed.docs} documents, the file list says ${info.docs}` });
      }
    }
    options.onProgress(totals.blobsRead, totals.bytesRead);
  });
  return totals;
}
