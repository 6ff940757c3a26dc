// Helpers for the backup engine's integration tests: both test servers with connected clients, small
// hostile datasets (every BSON type, awkward keys and names), and reading a restore point back.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { Binary, BSONRegExp, BSONSymbol, Code, Decimal128, Double, Int32, Long, MaxKey, MinKey, MongoClient, ObjectId, Timestamp, UUID, type Document } from 'mongodb';
import type { OperationContext, ProgressUpdate } from '../../shared/jobs';
import { FolderStore, Repository, type ManifestEntry, type SnapshotHeader } from '../../electron/core/repository';
import type { BackupSources } from '../../electron/core/backup/backup';
import { startMongoTestServer, type MongoTestServer } from './mongo-wire/index';
import { startS3TestServer, type S3TestServer } from './s3/index';
import { r2Client } from './s3/client';

export const TEST_SCRYPT_N = 2 ** 10;
export const DB = 'pcifiles';
export const BUCKET = 'pci-files';
/** Retries without waiting: tests inject faults, they do not need real backoff. */
export const FAST_RETRY = { retries: 6, baseDelayMs: 1, maxDelayMs: 5 };

export interface Servers {
  mongo: MongoTestServer;
  s3: S3TestServer;
  mongoClient: MongoClient;
  s3Client: S3Client;
  sources(folders?: string[]): BackupSources;
  close(): Promise<void>;
}

export async function startServers(options: { replSetName?: string; buckets?: string[] } = {}): Promise<Servers> {
  const mongo = await startMongoTestServer({ replSetName: options.replSetName });
  const s3 = await startS3TestServer({ buckets: options.buckets ?? [BUCKET] });
  const mongoClient = new MongoClient(mongo.uri, { serverSelectionTimeoutMS: 3000 });
  await mongoClient.connect();
  // Retries are the backup's job in these tests (the SDK's own would hide injected faults).
  const s3Client = r2Client(s3, { maxAttempts: 1 });
  return {
    mongo,
    s3,
    mongoClient,
    s3Client,
    sources: (folders = []) => ({ mongo: { client: mongoClient, database: DB }, r2: { client: s3Client, bucket: BUCKET }, folders }),
    async close() {
      s3Client.destroy();
      await mongoClient.close();
      await s3.close();
      await mongo.close();
    },
  };
}

const made: string[] = [];
export async function tempDir(prefix = 'pci-backup-'): Promise<string> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), prefix));
  made.push(dir);
  return dir;
}
export async function removeTempDirs(): Promise<void> {
  await Promise.all(made.splice(0).map((d) => fs.rm(d, { recursive: true, force: true })));
}

export async function newRepo(options: { passphrase?: string; formatVersion?: 1 | 2 } = {}): Promise<{ dir: string; store: FolderStore; repo: Repository }> {
  const dir = await tempDir('pci-repo-');
  const store = new FolderStore(dir);
  const repo = await Repository.init(store, { passphrase: options.passphrase, testOnlyScryptN: TEST_SCRYPT_N, formatVersion: options.formatVersion });
  return { dir, store, repo };
}

export type TestContext = OperationContext & { progress: ProgressUpdate[]; logs: string[]; controller: AbortController };

export function testContext(): TestContext {
  const controller = new AbortController();
  const progress: ProgressUpdate[] = [];
  const logs: string[] = [];
  return { signal: controller.signal, controller, onProgress: (u) => progress.push(u), log: (level, m) => logs.push(`${level}: ${m}`), progress, logs };
}

/** A document with every BSON type a PCI File Manager database could hold, and some it should not. */
export function everyType(n: number): Document {
  return {
    _id: new ObjectId(`65a1b2c3d4e5f6071829${n.toString(16).padStart(4, '0')}`),
    n: new Int32(n),
    double: new Double(3.141592653589793),
    negativeZero: new Double(-0),
    nan: new Double(NaN),
    string: `päivää 👋 ${n}`,
    object: { nested: { 'ünï key': [1, { x: 'y' }] } },
    array: [1, 'two', [3, [4]], {}],
    binGeneric: new Binary(Buffer.from([0, 1, 2, 255]), Binary.SUBTYPE_DEFAULT),
    binFunction: new Binary(Buffer.from('f'), Binary.SUBTYPE_FUNCTION),
    binOldUuid: new Binary(Buffer.alloc(16, 3), Binary.SUBTYPE_UUID_OLD),
    binUuid: new UUID('0f8fad5b-d9cb-469f-a165-70867728950e'),
    binMd5: new Binary(Buffer.alloc(16, 5), Binary.SUBTYPE_MD5),
    binUser: new Binary(Buffer.from('user'), 0x80),
    yes: true,
    date: new Date('2024-02-29T12:34:56.789Z'),
    before1970: new Date(-1_234_567_890_123),
    nothing: null,
    regex: new BSONRegExp('^a.*b$', 'imsx'),
    code: new Code('function () { return 1; }'),
    codeWithScope: new Code('function () { return x; }', { x: 1 }),
    symbol: new BSONSymbol('sym'),
    timestamp: new Timestamp({ t: 4294967295, i: 1 }),
    int64: Long.fromString('-9223372036854775808'),
    int64Small: Long.fromNumber(5),
    decimal: Decimal128.fromString('0.000000000000000000000000000000001'),
    decimalNegZero: Decimal128.fromString('-0'),
    minKey: new MinKey(),
    maxKey: new MaxKey(),
    padding: 'x'.repeat(n % 7 === 0 ? 3000 : 200),
  };
}

/** The collection's documents as the server returns them in raw mode, concatenated (mongodump's .bson). */
export async function rawCollection(client: MongoClient, coll: string, db = DB): Promise<Buffer> {
  const docs = await client.db(db).collection(coll).find({}, { raw: true, sort: { _id: 1 } }).toArray();
  return Buffer.concat(docs as unknown as Buffer[]);
}

export async function putObject(client: S3Client, key: string, body: Buffer, extra: { contentType?: string; metadata?: Record<string, string>; cacheControl?: string; contentDisposition?: string; contentEncoding?: string; contentLanguage?: string } = {}): Promise<void> {
  await client.send(
    new PutObjectCommand({
      Bucket: BUCKET,
      Key: key,
      Body: body,
      ContentType: extra.contentType,
      Metadata: extra.metadata,
      CacheControl: extra.cacheControl,
      ContentDisposition: extra.contentDisposition,
      ContentEncoding: extra.contentEncoding,
      ContentLanguage: extra.contentLanguage,
    }),
  );
}

/** Deterministic bytes that do not compress (like photos). */
export function noise(size: number, seed: number): Buffer {
  const out = Buffer.alloc(size);
  let x = (seed * 2654435761) >>> 0 || 1;
  for (let i = 0; i + 4 <= size; i += 4) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out.writeUInt32LE(x >>> 0, i);
  }
  return out;
}

export async function entriesOf(repo: Repository, snapshot: SnapshotHeader | string): Promise<ManifestEntry[]> {
  const header = typeof snapshot === 'string' ? await repo.readSnapshot(snapshot) : snapshot;
  const out: ManifestEntry[] = [];
  for await (const e of repo.readManifest(header)) out.push(e);
  return out;
}

/** The content of a data-carrying entry, from its blobs. */
export async function contentOf(repo: Repository, entry: ManifestEntry): Promise<Buffer> {
  if (!('chunks' in entry)) throw new Error(`${entry.path} has no content`);
  const parts: Buffer[] = [];
  for (const c of entry.chunks) parts.push(await repo.getBlob(c.id));
  return Buffer.concat(parts);
}

export function byPath(entries: ManifestEntry[]): Map<string, ManifestEntry> {
  return new Map(entries.map((e) => [e.path, e]));
}
