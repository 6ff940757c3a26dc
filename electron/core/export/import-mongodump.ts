// Import an existing mongodump folder (plain or --gzip) or --archive file as a new restore point, so backups people made
// by hand before can be used in the restore wizard. Accepts the folder mongodump wrote (`dump/`, with
// one folder per database) or one database's folder. Documents are stored byte for byte, as found.
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createGunzip } from 'node:zlib';
import { EJSON, type Document } from 'bson';
import type { ImportResult } from '../../../shared/api/export';
import { userError } from '../../../shared/errors';
import type { OperationContext } from '../../../shared/jobs';
import type { BsonChunkRef, Repository } from '../repository';
import { acquire } from '../repository';
import { isArchiveFile, unpackArchive } from './mongodump-archive';
import { metadataProblems } from '../verify/bson-check';
import { leftOutSentence, optionsSentence, restorableIndexes, restorableOptions } from '../restore/index-specs';

export interface ImportOptions {
  from: string;
  profile: string;
  appVersion: string;
}

/** What mongodump writes that is not application data. */
const SKIP_DATABASES = new Set(['admin', 'config', 'local']);
const DUMP_FILE = /^(.+?)\.(bson|metadata\.json)(\.gz)?$/;
/** MongoDB's document limit plus the slack the server allows for internal fields. */
const MAX_DOC = 16 * 1024 * 1024 + 16 * 1024;

interface DumpCollection {
  db: string;
  name: string;
  bson?: string;
  metadata?: string;
}

function unescapeName(name: string): string {
  try {
    return decodeURIComponent(name); // mongodump writes unsafe characters of collection names as %XX
  } catch {
    return name;
  }
}

/** The collections of the dump (by file name), in every database folder it holds. */
export async function findDump(from: string): Promise<DumpCollection[]> {
  const root = path.resolve(from);
  const stat = await fsp.stat(root).catch(() => null);
  if (!stat?.isDirectory()) throw userError('INVALID_INPUT', 'Folder not found', `${root} is not a folder.`, 'Choose the folder mongodump wrote (usually called "dump").');
  const scan = async (dir: string, db: string, out: Map<string, DumpCollection>) => {
    for (const f of await fsp.readdir(dir, { withFileTypes: true })) {
      const m = f.isFile() ? DUMP_FILE.exec(f.name) : null;
      if (!m) continue;
      const name = unescapeName(m[1]);
      // system.buckets.<name> holds a time-series collection's data (mongodump writes it so).
      if (name.startsWith('system.') && name !== 'system.js' && !name.startsWith('system.buckets.')) continue;
      const key = `${db}\0${name}`;
      const c = out.get(key) ?? { db, name };
      c[m[2] === 'bson' ? 'bson' : 'metadata'] = path.join(dir, f.name);
      out.set(key, c);
    }
  };
  const found = new Map<string, DumpCollection>();
  await scan(root, path.basename(root), found); // a single database's folder
  if (found.size === 0) {
    for (const d of await fsp.readdir(root, { withFileTypes: true })) {
      if (d.isDirectory() && !SKIP_DATABASES.has(d.name)) await scan(path.join(root, d.name), unescapeName(d.name), found);
    }
  }
  if (found.size === 0) throw userError('INVALID_INPUT', 'No mongodump files', `No .bson or .metadata.json files were found in ${root}.`, 'Choose the folder mongodump wrote (usually called "dump"), or one database folder inside it.');
  return [...found.values()];
}

function open(file: string, onBytes: (n: number) => void): NodeJS.ReadableStream {
  const raw = fs.createReadStream(file);
  raw.on('data', (d: Buffer | string) => onBytes(d.length));
  return file.endsWith('.gz') ? raw.pipe(createGunzip()) : raw;
}

/** The documents of a .bson file, one at a time, checked for plausible lengths. */
async function* documentsOf(file: string, onBytes: (n: number) => void): AsyncGenerator<Buffer> {
  let pending: Buffer = Buffer.alloc(0);
  let offset = 0;
  for await (const chunk of open(file, onBytes)) {
    pending = pending.length === 0 ? (chunk as Buffer) : Buffer.concat([pending, chunk as Buffer]);
    let at = 0;
    while (pending.length - at >= 4) {
      const size = pending.readInt32LE(at);
      if (size < 5 || size > MAX_DOC) throw notBson(file, offset + at, `a document cannot be ${size} bytes long`);
      if (pending.length - at < size) break;
      if (pending[at + size - 1] !== 0) throw notBson(file, offset + at, 'a document does not end where its length says');
      yield Buffer.from(pending.subarray(at, at + size)); // a copy: `pending` is reused
      at += size;
    }
    offset += at;
    pending = pending.subarray(at);
  }
  if (pending.length > 0) throw notBson(file, offset, 'the file ends in the middle of a document');
}

function notBson(file: string, at: number, why: string) {
  return userError('INVALID_INPUT', 'Not a mongodump file', `${path.basename(file)} is not a complete mongodump .bson file: ${why} (at byte ${at}).`, 'Check that the dump was copied completely, or make it again with mongodump.', file);
}

async function readAll(file: string): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const chunk of open(file, () => undefined)) parts.push(chunk as Buffer);
  return Buffer.concat(parts);
}

/**
 * A collection's real name is the one its metadata file states: the file name may have been shortened
 * or changed to be safe (mongodump truncates long names; an export renames case collisions).
 */
async function resolveNames(found: DumpCollection[]): Promise<(DumpCollection & { meta: Buffer | null })[]> {
  const out: (DumpCollection & { meta: Buffer | null })[] = [];
  const seen = new Set<string>();
  for (const c of found) {
    const meta = c.metadata ? await readAll(c.metadata) : null;
    if (meta && c.metadata) {
      const wrong = metadataProblems(meta);
      if (wrong.length > 0) throw userError('INVALID_INPUT', 'Not a mongodump file', `${path.basename(c.metadata)} is not a valid mongodump metadata file: ${wrong.join('; ')}.`, 'Make the dump again with mongodump.');
    }
    const stated = meta ? (JSON.parse(meta.toString('utf8')) as { collectionName?: unknown }).collectionName : undefined;
    const name = typeof stated === 'string' && stated !== '' ? stated : c.name;
    const key = `${c.db}\0${name}`;
    if (seen.has(key)) throw userError('INVALID_INPUT', 'Collection twice', `Two sets of files in the dump are for the collection ${c.db}.${name}.`, 'Remove the extra files from the dump folder, then import again.');
    seen.add(key);
    out.push({ ...c, name, meta });
  }
  const bytes = (s: string) => Buffer.from(s, 'utf8');
  return out.sort((a, b) => Buffer.compare(bytes(a.db), bytes(b.db)) || Buffer.compare(bytes(a.name), bytes(b.name)));
}

export async function importMongodump(repo: Repository, options: ImportOptions, ctx: OperationContext): Promise<ImportResult> {
  const from = path.resolve(options.from);
  if (!(await isArchiveFile(from))) return importFolder(repo, options, ctx, { label: `the mongodump folder ${from}` });
  // A `mongodump --archive` file: unpacked into mongodump's folder layout first (temporary), then imported.
  const dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'pci-maint-archive-'));
  try {
    ctx.onProgress({ phase: 'Unpacking the mongodump archive', unit: 'bytes', done: 0, total: null, bytesDone: 0, bytesTotal: null, message: from });
    let read = 0;
    const unpacked = await unpackArchive(from, dir, (n) => ctx.onProgress({ bytesDone: (read += n) }));
    ctx.log('info', `Unpacked the mongodump archive ${from}: ${unpacked.collections} collections and views${unpacked.serverVersion ? ` from MongoDB ${unpacked.serverVersion}` : ''}.`);
    return await importFolder(repo, { ...options, from: dir }, ctx, { label: `the mongodump archive ${from}`, createdAt: (await fsp.stat(from)).mtime });
  } finally {
    await fsp.rm(dir, { recursive: true, force: true });
  }
}

async function importFolder(repo: Repository, options: ImportOptions, ctx: OperationContext, source: { label: string; createdAt?: Date }): Promise<ImportResult> {
  const started = Date.now();
  const collections = await resolveNames(await findDump(options.from));
  const files = collections.flatMap((c) => [c.bson, c.metadata].filter((f): f is string => !!f));
  const stats = await Promise.all(files.map((f) => fsp.stat(f)));
  // The restore point is dated by the dump itself, so it sorts among the restore points where it belongs.
  const createdAt = source.createdAt ?? new Date(Math.max(...stats.map((s) => s.mtimeMs)));
  const bytesTotal = stats.reduce((n, s) => n + s.size, 0);
  const lock = await acquire(repo.store, 'shared', { signal: ctx.signal, operation: 'import', log: ctx.log });
  const writer = repo.createManifestWriter();
  const result: ImportResult = { snapshotId: '', createdAt: createdAt.toISOString(), databases: [...new Set(collections.map((c) => c.db))], collections: 0, documents: 0, bytes: 0, durationMs: 0 };
  let bytesRead = 0;
  const onBytes = (n: number) => {
    bytesRead += n;
    ctx.onProgress({ bytesDone: bytesRead });
  };
  try {
    ctx.onProgress({ phase: 'Importing the mongodump folder', unit: 'collections', done: 0, total: collections.length, bytesDone: 0, bytesTotal, message: path.resolve(options.from) });
    for (const [i, c] of collections.entries()) {
      ctx.signal.throwIfAborted();
      ctx.onProgress({ done: i, message: `${c.db}.${c.name}` });
      if (c.bson) {
        const chunks: BsonChunkRef[] = [];
        for await (const chunk of repo.chunkBson(documentsOf(c.bson, onBytes))) {
          ctx.signal.throwIfAborted();
          const stored = await writer.putBlob(chunk.data);
          chunks.push({ id: stored.id, size: stored.size, docs: chunk.docs });
        }
        const size = chunks.reduce((n, ch) => n + ch.size, 0);
        const docs = chunks.reduce((n, ch) => n + ch.docs, 0);
        await writer.add({ kind: 'mongo-collection', path: `mongo/${c.db}/${c.name}.bson`, db: c.db, collection: c.name, docs, size, chunks });
        result.collections += 1;
        result.documents += docs;
        result.bytes += size;
      }
      const meta = c.meta;
      if (meta) {
        const stored = await writer.putBlob(meta);
        await writer.add({ kind: 'mongo-metadata', path: `mongo/${c.db}/${c.name}.metadata.json`, db: c.db, collection: c.name, size: meta.length, chunks: [{ id: stored.id, size: meta.length }] });
        result.bytes += meta.length;
        const parsed = EJSON.parse(meta.toString('utf8'), { relaxed: false }) as { indexes?: unknown; options?: unknown };
        // Stored as found; a restore leaves out what a current server refuses, and says so then too.
        const options = parsed.options && typeof parsed.options === 'object' ? (parsed.options as Document) : {};
        for (const line of optionsSentence(`${c.db}.${c.name}`, restorableOptions(options).leftOut)) ctx.log('warn', line);
        for (const line of leftOutSentence(`${c.db}.${c.name}`, restorableIndexes(Array.isArray(parsed.indexes) ? (parsed.indexes as Document[]) : []).leftOut)) ctx.log('warn', line);
      } else {
        ctx.log('warn', `${c.db}.${c.name} has no .metadata.json: its indexes and options are not known.`);
      }
    }
    if (lock.lost) throw lock.lost;
    const header = await writer.finish({
      createdAt,
      tags: ['imported'],
      profile: options.profile,
      appVersion: options.appVersion,
      parent: null,
      consistency: 'best-effort',
      consistencyNote: `Imported from ${source.label}. Documents are in the order mongodump wrote them.`,
    });
    ctx.log('info', `Imported ${result.collections} collections (${result.documents} documents) as restore point ${header.id}.`);
    return { ...result, snapshotId: header.id, durationMs: Date.now() - started };
  } catch (err) {
    writer.abort();
    throw err;
  } finally {
    await lock.release().catch(() => undefined);
  }
}
