// MongoDB wire protocol framing for the TEST DOUBLE: OP_MSG and the legacy OP_QUERY/OP_REPLY pair the
// driver still uses for its very first handshake. No OP_COMPRESSED (the double advertises no compressors).
import { findElement } from './rawbson';

export const OP_REPLY = 1;
export const OP_QUERY = 2004;
export const OP_COMPRESSED = 2012;
export const OP_MSG = 2013;

export const MAX_MESSAGE_BYTES = 48_000_000;

const CHECKSUM_PRESENT = 1 << 0;
const MORE_TO_COME = 1 << 1;

export class ProtocolError extends Error {}

/** Splits a TCP byte stream into whole messages: several per chunk, or one spread over chunks. */
export class FrameReader {
  private pending: Buffer[] = [];
  private pendingBytes = 0;

  push(chunk: Buffer): Buffer[] {
    this.pending.push(chunk);
    this.pendingBytes += chunk.length;
    // Only join chunks once a whole message is there: a 16 MiB insert arrives in hundreds of chunks.
    if (this.pendingBytes < 4 || this.pendingBytes < this.expectedLength()) return [];
    const frames: Buffer[] = [];
    let buf = this.pending.length === 1 ? this.pending[0] : Buffer.concat(this.pending, this.pendingBytes);
    while (buf.length >= 4) {
      const length = buf.readInt32LE(0);
      if (length < 16 || length > MAX_MESSAGE_BYTES) throw new ProtocolError(`invalid message length ${length}`);
      if (buf.length < length) break;
      frames.push(buf.subarray(0, length));
      buf = buf.subarray(length);
    }
    this.pending = buf.length ? [buf] : [];
    this.pendingBytes = buf.length;
    return frames;
  }

  private expectedLength(): number {
    const first = this.pending[0];
    if (first.length >= 4) return first.readInt32LE(0);
    return Buffer.concat(this.pending).readInt32LE(0);
  }
}

export interface Request {
  requestId: number;
  opCode: typeof OP_MSG | typeof OP_QUERY;
  /** The command document (OP_MSG section 0, or the OP_QUERY query unwrapped from `$query`). */
  body: Buffer;
  /** OP_MSG kind-1 sections: identifier → documents. */
  sequences: Map<string, Buffer[]>;
  /** Database from OP_QUERY's `<db>.$cmd` (OP_MSG carries `$db` in the body). */
  queryDb?: string;
  /** The client does not want an answer (unacknowledged write). */
  moreToCome: boolean;
}

function readCString(buf: Buffer, pos: number): [string, number] {
  const end = buf.indexOf(0, pos);
  if (end < 0) throw new ProtocolError('unterminated cstring');
  return [buf.toString('utf8', pos, end), end + 1];
}

function parseOpMsg(frame: Buffer, requestId: number): Request {
  const flags = frame.readUInt32LE(16);
  const end = frame.length - (flags & CHECKSUM_PRESENT ? 4 : 0);
  let pos = 20;
  let body: Buffer | undefined;
  const sequences = new Map<string, Buffer[]>();
  while (pos < end) {
    const kind = frame[pos++];
    const size = frame.readInt32LE(pos);
    if (kind === 0) {
      body = frame.subarray(pos, pos + size);
    } else if (kind === 1) {
      const sectionEnd = pos + size;
      let [identifier, p] = readCString(frame, pos + 4);
      const docs: Buffer[] = [];
      while (p < sectionEnd) {
        const docSize = frame.readInt32LE(p);
        docs.push(frame.subarray(p, p + docSize));
        p += docSize;
      }
      identifier ||= '';
      sequences.set(identifier, docs);
    } else {
      throw new ProtocolError(`unknown OP_MSG section kind ${kind}`);
    }
    pos += size;
  }
  if (!body) throw new ProtocolError('OP_MSG without a body section');
  return { requestId, opCode: OP_MSG, body, sequences, moreToCome: (flags & MORE_TO_COME) !== 0 };
}

function parseOpQuery(frame: Buffer, requestId: number): Request {
  const [collection, pos] = readCString(frame, 20);
  const query = frame.subarray(pos + 8, pos + 8 + frame.readInt32LE(pos + 8));
  // Old drivers wrap the command as {$query: {...}, $readPreference: ...}.
  const wrapped = findElement(query, '$query') ?? findElement(query, 'query');
  const body = wrapped && wrapped.type === 0x03 ? query.subarray(wrapped.valueStart, wrapped.end) : query;
  const queryDb = collection.endsWith('.$cmd') ? collection.slice(0, -5) : collection.split('.')[0];
  return { requestId, opCode: OP_QUERY, body, sequences: new Map(), queryDb, moreToCome: false };
}

export function parseRequest(frame: Buffer): Request {
  const requestId = frame.readInt32LE(4);
  const opCode = frame.readInt32LE(12);
  if (opCode === OP_MSG) return parseOpMsg(frame, requestId);
  if (opCode === OP_QUERY) return parseOpQuery(frame, requestId);
  throw new ProtocolError(`unsupported opCode ${opCode}`);
}

function header(length: number, requestId: number, responseTo: number, opCode: number): Buffer {
  const h = Buffer.alloc(16);
  h.writeInt32LE(length, 0);
  h.writeInt32LE(requestId, 4);
  h.writeInt32LE(responseTo, 8);
  h.writeInt32LE(opCode, 12);
  return h;
}

/** OP_MSG reply: flags 0 and a single kind-0 section. */
export function encodeMsgReply(requestId: number, responseTo: number, body: Buffer): Buffer {
  const prefix = Buffer.alloc(5); // flagBits (uint32 0) + section kind 0
  return Buffer.concat([header(16 + 5 + body.length, requestId, responseTo, OP_MSG), prefix, body]);
}

/** OP_REPLY with one document (responseFlags, cursorID 0, startingFrom 0, numberReturned 1). */
export function encodeOpReply(requestId: number, responseTo: number, doc: Buffer): Buffer {
  const fields = Buffer.alloc(20);
  fields.writeInt32LE(1, 16);
  return Buffer.concat([header(16 + 20 + doc.length, requestId, responseTo, OP_REPLY), fields, doc]);
}
