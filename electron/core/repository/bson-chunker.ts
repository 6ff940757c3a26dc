// Chunking of a MongoDB collection at document boundaries (docs/backup-format.md §7): the documents'
// bytes run through the same rolling hash as files, but a chunk only ends after a whole document,
// so every chunk is a valid run of BSON documents and a changed document rewrites one chunk or two.
import { GEAR_WINDOW, chunkerMask, type ChunkerParams } from './chunker';

export interface BsonChunk {
  /** Whole BSON documents, concatenated exactly as received (mongodump's .bson layout). */
  data: Buffer;
  docs: number;
}

function assertBsonDocument(doc: Buffer): void {
  // Cheap framing check: a document starts with its own int32 length and ends with a 0x00.
  if (doc.length < 5 || doc.readInt32LE(0) !== doc.length || doc[doc.length - 1] !== 0) {
    throw new Error(`Not a single raw BSON document (${doc.length} bytes)`);
  }
}

export class BsonDocumentChunker {
  private parts: Buffer[] = [];
  private len = 0;
  private docs = 0;
  private h = 0;
  private readonly mask: number;

  constructor(
    readonly params: ChunkerParams,
    private readonly table: Int32Array,
  ) {
    this.mask = chunkerMask(params);
  }

  /** Add one raw document; returns the chunks it completed (zero, one, or two for a huge document). */
  add(doc: Buffer): BsonChunk[] {
    assertBsonDocument(doc);
    const { minSize: min, maxSize: max } = this.params;
    const out: BsonChunk[] = [];
    if (this.len > 0 && this.len + doc.length > max) out.push(this.take());

    const G = this.table;
    const mask = this.mask;
    const len = this.len;
    let h = this.h;
    let cut = false;
    for (let j = Math.max(0, min - GEAR_WINDOW - len); j < doc.length; j++) {
      h = ((h << 1) + G[doc[j]]) | 0;
      if ((h & mask) === 0 && len + j + 1 >= min) {
        cut = true;
        break; // the chunk ends after this document; h restarts there anyway
      }
    }
    this.parts.push(doc);
    this.docs += 1;
    this.len += doc.length;
    this.h = h;
    if (cut || this.len >= max) out.push(this.take());
    return out;
  }

  finish(): BsonChunk | null {
    return this.len > 0 ? this.take() : null;
  }

  private take(): BsonChunk {
    const chunk = { data: Buffer.concat(this.parts, this.len), docs: this.docs };
    this.parts = [];
    this.len = 0;
    this.docs = 0;
    this.h = 0;
    return chunk;
  }
}

/** Raw documents (the driver's raw mode, in `_id` order) in; chunks of whole documents out. */
export async function* chunkBsonDocuments(
  docs: AsyncIterable<Buffer> | Iterable<Buffer>,
  params: ChunkerParams,
  table: Int32Array,
): AsyncGenerator<BsonChunk> {
  const chunker = new BsonDocumentChunker(params, table);
  for await (const doc of docs) yield* chunker.add(doc);
  const last = chunker.finish();
  if (last) yield last;
}
