// Server-side cursors of the TEST DOUBLE: batching by count and size, ids as Int64, getMore and kill.
import { Long, type Document } from 'bson';
import { randomBytes } from 'node:crypto';
import { RawReply } from './context';
import { CommandError, DropConnection } from './errors';
import type { FaultController } from './faults';
import { BsonType, buildDocument, elementsOf, rawArray, rawElement } from './rawbson';

const MAX_BATCH_BYTES = 16 * 1024 * 1024;

export interface CursorSource {
  ns: string;
  docs: Buffer[];
  /** find/aggregate data cursors count towards dropConnectionAfterDocuments; catalog listings do not. */
  data: boolean;
  /** Extra fields of the `cursor` sub-document (e.g. atClusterTime for snapshot reads). */
  extra?: Document;
}

interface OpenCursor extends CursorSource {
  pos: number;
}

export interface BatchOptions {
  batchSize?: number;
  singleBatch?: boolean;
}

/** `{cursor: {id, ns, <batchName>: [...stored bytes...]}, ok: 1}` assembled around the raw documents. */
export function cursorReply(id: bigint, ns: string, batchName: 'firstBatch' | 'nextBatch', docs: Buffer[], extra: Document = {}): RawReply {
  const cursor = buildDocument([elementsOf({ id: Long.fromBigInt(id), ns, ...extra }), rawElement(batchName, BsonType.array, rawArray(docs))]);
  return new RawReply(buildDocument([rawElement('cursor', BsonType.object, cursor), elementsOf({ ok: 1 })]));
}

export class CursorManager {
  private open = new Map<bigint, OpenCursor>();
  faults?: FaultController;

  private nextId(): bigint {
    let id = 0n;
    while (id === 0n || this.open.has(id)) id = randomBytes(8).readBigUInt64LE() & 0x7fffffffffffffffn;
    return id;
  }

  private take(cursor: OpenCursor, limit: number): Buffer[] {
    const batch: Buffer[] = [];
    let bytes = 0;
    while (batch.length < limit && cursor.pos + batch.length < cursor.docs.length) {
      const doc = cursor.docs[cursor.pos + batch.length];
      if (batch.length > 0 && bytes + doc.length > MAX_BATCH_BYTES) break;
      bytes += doc.length;
      batch.push(doc);
    }
    if (cursor.data && this.faults) {
      const allowed = this.faults.allowDocuments(cursor.ns, batch.length);
      if (allowed === 'drop') throw new DropConnection();
      batch.length = allowed;
    }
    cursor.pos += batch.length;
    return batch;
  }

  /** First batch (default 101 documents for data cursors, everything for listings); registers the rest. */
  first(source: CursorSource, opts: BatchOptions = {}): RawReply {
    const cursor: OpenCursor = { ...source, pos: 0 };
    const limit = opts.batchSize ?? (source.data ? 101 : Infinity);
    const batch = this.take(cursor, limit);
    let id = 0n;
    if (!opts.singleBatch && cursor.pos < cursor.docs.length) {
      id = this.nextId();
      this.open.set(id, cursor);
    }
    return cursorReply(id, source.ns, 'firstBatch', batch, source.extra);
  }

  getMore(id: bigint, ns: string, batchSize?: number): RawReply {
    const cursor = this.open.get(id);
    if (!cursor) throw new CommandError('CursorNotFound', `cursor id ${id} not found`);
    if (cursor.ns !== ns) throw new CommandError('Unauthorized', `Requested getMore on namespace '${ns}', but cursor belongs to a different namespace ${cursor.ns}`);
    const batch = this.take(cursor, batchSize && batchSize > 0 ? batchSize : Infinity);
    const exhausted = cursor.pos >= cursor.docs.length;
    if (exhausted) this.open.delete(id);
    return cursorReply(exhausted ? 0n : id, ns, 'nextBatch', batch, cursor.extra);
  }

  kill(ids: bigint[]): { killed: bigint[]; notFound: bigint[] } {
    const killed: bigint[] = [];
    const notFound: bigint[] = [];
    for (const id of ids) (this.open.delete(id) ? killed : notFound).push(id);
    return { killed, notFound };
  }

  killAll(): void {
    this.open.clear();
  }
}
