// Deterministic file contents: text that compresses for documents, random-looking bytes behind a real
// magic number for media and archives, so the backup's compression and dedup paths both get exercised.
import { createCipheriv, createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { Prng } from './prng';

export interface FileType { ext: string; mime: string; text: boolean; magic?: string }

export const TYPES: Record<string, FileType> = {
  pdf: { ext: 'pdf', mime: 'application/pdf', text: false, magic: '%PDF-1.7\n' },
  docx: { ext: 'docx', mime: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', text: false, magic: 'PK\u0003\u0004' },
  xlsx: { ext: 'xlsx', mime: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', text: false, magic: 'PK\u0003\u0004' },
  jpg: { ext: 'jpg', mime: 'image/jpeg', text: false, magic: '\u00ff\u00d8\u00ff\u00e0' },
  png: { ext: 'png', mime: 'image/png', text: false, magic: '\u0089PNG\r\n\u001a\n' },
  zip: { ext: 'zip', mime: 'application/zip', text: false, magic: 'PK\u0003\u0004' },
  mp4: { ext: 'mp4', mime: 'video/mp4', text: false, magic: '\u0000\u0000\u0000\u0018ftypmp42' },
  txt: { ext: 'txt', mime: 'text/plain', text: true },
  md: { ext: 'md', mime: 'text/markdown', text: true },
  csv: { ext: 'csv', mime: 'text/csv', text: true },
  json: { ext: 'json', mime: 'application/json', text: true },
};

const WORDS = ('invoice customer payment order delivery project meeting budget report quarter review office ' +
  'printer contract supplier account balance schedule update draft final approved pending total amount ' +
  'Zürich Müller café naïve façade 東京 données').split(' ');
const CHUNK = 1 << 20;

function* textChunks(seed: string, size: number): Generator<Buffer> {
  const rng = new Prng(seed, 'text');
  let left = size;
  while (left > 0) {
    const lines: string[] = [];
    let len = 0;
    while (len < Math.min(left, 64 * 1024)) {
      const n = rng.int(3, 14);
      const line = Array.from({ length: n }, () => rng.pick(WORDS)).join(rng.chance(0.3) ? ',' : ' ') + '\n';
      lines.push(line);
      len += Buffer.byteLength(line);
    }
    const buf = Buffer.from(lines.join('')).subarray(0, Math.min(left, 64 * 1024));
    left -= buf.length;
    yield buf;
  }
}

function* binaryChunks(seed: string, size: number, magic: string | undefined): Generator<Buffer> {
  // AES-CTR over zeros: fast, deterministic bytes that do not compress (like JPEGs, MP4s, ZIPs).
  const key = createHash('sha256').update(`content\u0000${seed}`).digest();
  const cipher = createCipheriv('aes-256-ctr', key, Buffer.alloc(16));
  const head = Buffer.from(magic ?? '', 'latin1').subarray(0, size);
  let left = size;
  if (head.length) {
    left -= head.length;
    yield head;
  }
  const zeros = Buffer.alloc(CHUNK);
  while (left > 0) {
    const n = Math.min(left, CHUNK);
    left -= n;
    yield cipher.update(zeros.subarray(0, n));
  }
}

/** The bytes of one file, as chunks. `seed` identifies the content (equal seeds: identical files). */
export function contentChunks(seed: string, type: FileType, size: number): Generator<Buffer> {
  return type.text ? textChunks(seed, size) : binaryChunks(seed, size, type.magic);
}

export function contentStream(seed: string, type: FileType, size: number): Readable {
  return Readable.from(contentChunks(seed, type, size), { objectMode: false });
}

export function contentBuffer(seed: string, type: FileType, size: number): Buffer {
  return Buffer.concat([...contentChunks(seed, type, size)]);
}

export function contentSha256(seed: string, type: FileType, size: number): string {
  const hash = createHash('sha256');
  for (const chunk of contentChunks(seed, type, size)) hash.update(chunk);
  return hash.digest('hex');
}
