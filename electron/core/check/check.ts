// The storage consistency checker: the file records in MongoDB against the objects in the R2 bucket.
// Finds records whose object is missing, objects no record points to, sizes that differ, and deleted
// records whose object is still there. Read-only: it never changes or deletes anything.
//
// Both sides stream into a temporary SQLite file on disk and are compared there, so millions of keys
// never sit in memory. SQLite compares TEXT byte by byte (UTF-8), the order S3 lists keys in; MongoDB's
// own sort order (type brackets, collations) is never relied upon.
import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import type Database from 'better-sqlite3';
import { openDatabase } from '../native/sqlite';
import type { MongoClient } from 'mongodb';
import type { S3Client } from '@aws-sdk/client-s3';
import type { ConsistencyResult } from '../../../shared/api/check';
import type { OperationContext } from '../../../shared/jobs';
import { mapMongoError, mapS3Error } from '../connections/errors';
import { listBucket } from '../sources/r2-list';
import { DEFAULT_RETRY, type RetryPolicy } from '../sources/retry';
import { csvLine } from './csv';
import { projectionOf, toRecord, type FileRecordsMapping } from './records';

export interface ConsistencyPorts {
  mongo: { client: MongoClient; database: string };
  r2: { client: S3Client; bucket: string };
  mapping: FileRecordsMapping;
  /** Folder for the temporary comparison file (removed afterwards). */
  tmpDir: string;
}

export interface ConsistencyOptions {
  /** Items kept per list in the result (all of them go to the CSV file). */
  listLimit?: number;
  /** Write every finding to this CSV file. */
  csvFile?: string | null;
  retry?: RetryPolicy;
  pageSize?: number;
}

const BATCH = 2000;

const QUERIES = {
  missing: `SELECT r.key AS key, r.id AS recordId, r.size AS recordSize FROM records r
    WHERE r.key IS NOT NULL AND r.deleted = 0 AND NOT EXISTS (SELECT 1 FROM objects o WHERE o.key = r.key) ORDER BY r.key, r.id`,
  orphans: `SELECT o.key AS key, o.size AS size FROM objects o WHERE NOT EXISTS (SELECT 1 FROM records r WHERE r.key = o.key) ORDER BY o.key`,
  sizeMismatches: `SELECT r.key AS key, r.id AS recordId, r.size AS recordSize, o.size AS objectSize FROM records r JOIN objects o ON o.key = r.key
    WHERE r.deleted = 0 AND r.size IS NOT NULL AND r.size != o.size ORDER BY r.key, r.id`,
  // An object still used by a live record (a file restored from the trash) is not a leftover.
  deletedWithObject: `SELECT r.key AS key, r.id AS recordId, o.size AS size FROM records r JOIN objects o ON o.key = r.key
    WHERE r.deleted = 1 AND NOT EXISTS (SELECT 1 FROM records l WHERE l.key = r.key AND l.deleted = 0) ORDER BY r.key, r.id`,
} as const;
type ListName = keyof typeof QUERIES;
/** What a list's `bytes` adds up: the size records claim for missing objects, the space leftovers take. */
const BYTES_OF: Record<ListName, string> = { missing: 'recordSize', orphans: 'size', sizeMismatches: '0', deletedWithObject: 'size' };
// The words of the storage check page, so the list and the page never use two names for one thing.
const CSV_PROBLEM: Record<ListName, string> = { missing: 'missing file', orphans: 'file without a record', sizeMismatches: 'size differs', deletedWithObject: 'leftover of a deleted file' };

export async function checkConsistency(ports: ConsistencyPorts, ctx: OperationContext, options: ConsistencyOptions = {}): Promise<ConsistencyResult> {
  const started = Date.now();
  const listLimit = options.listLimit ?? 1000;
  fs.mkdirSync(ports.tmpDir, { recursive: true });
  const file = path.join(ports.tmpDir, `consistency-${randomBytes(6).toString('hex')}.sqlite`);
  const db = openDatabase(file);
  try {
    db.pragma('journal_mode = OFF');
    db.pragma('synchronous = OFF');
    db.exec(`CREATE TABLE records (key TEXT, id TEXT NOT NULL, size REAL, deleted INTEGER NOT NULL);
             CREATE TABLE objects (key TEXT PRIMARY KEY, size INTEGER NOT NULL) WITHOUT ROWID;`);
    await loadRecords(db, ports, ctx);
    await loadObjects(db, ports, ctx, options);
    ctx.onProgress({ phase: 'Comparing records and files', unit: 'steps', done: 0, total: 2, bytesDone: 0, bytesTotal: null, message: '' });
    db.exec('CREATE INDEX records_key ON records (key, deleted)');
    ctx.signal.throwIfAborted();

    const count = (sql: string) => db.prepare(sql).get() as { n: number; bytes: number | null };
    const list = <T>(name: ListName) => {
      const totals = count(`SELECT COUNT(*) AS n, SUM(${BYTES_OF[name]}) AS bytes FROM (${QUERIES[name]})`);
      return { count: totals.n, bytes: totals.bytes ?? 0, items: db.prepare(`${QUERIES[name]} LIMIT ?`).all(listLimit) as T[] };
    };
    const stats = count(`SELECT COUNT(*) AS n, SUM(size) AS bytes FROM objects`);
    const recordStats = db.prepare(`SELECT COUNT(*) AS n, SUM(deleted) AS deleted, SUM(key IS NULL) AS keyless FROM records`).get() as { n: number; deleted: number | null; keyless: number | null };
    const result: ConsistencyResult = {
      ok: true,
      database: ports.mongo.database,
      collection: ports.mapping.collection,
      keyField: ports.mapping.keyField,
      sizeField: ports.mapping.sizeField ?? null,
      deletedField: ports.mapping.deletedField ?? null,
      bucket: ports.r2.bucket,
      records: recordStats.n,
      deletedRecords: recordStats.deleted ?? 0,
      recordsWithoutKey: recordStats.keyless ?? 0,
      objects: stats.n,
      objectBytes: stats.bytes ?? 0,
      missing: list('missing'),
      orphans: list('orphans'),
      sizeMismatches: list('sizeMismatches'),
      deletedWithObject: list('deletedWithObject'),
      problems: 0,
      listLimit,
      csvFile: options.csvFile ?? null,
      durationMs: 0,
    };
    // Lost files are the real damage; leftovers (orphans, deleted records' objects) only waste space.
    result.ok = result.missing.count === 0 && result.sizeMismatches.count === 0;
    result.problems = result.missing.count + result.sizeMismatches.count + result.orphans.count + result.deletedWithObject.count;
    ctx.onProgress({ done: 1 });
    if (options.csvFile) writeCsv(db, options.csvFile, ctx);
    ctx.onProgress({ done: 2 });
    result.durationMs = Date.now() - started;
    return result;
  } finally {
    db.close();
    for (const suffix of ['', '-journal', '-wal', '-shm']) fs.rmSync(file + suffix, { force: true });
  }
}

async function loadRecords(db: Database.Database, ports: ConsistencyPorts, ctx: OperationContext): Promise<void> {
  const { client, database } = ports.mongo;
  const collection = client.db(database).collection(ports.mapping.collection);
  const insert = db.prepare('INSERT INTO records (key, id, size, deleted) VALUES (?, ?, ?, ?)');
  const insertMany = db.transaction((rows: ReturnType<typeof toRecord>[]) => {
    for (const r of rows) insert.run(r.key, r.id, r.size, r.deleted ? 1 : 0);
  });
  let done = 0;
  try {
    const total = await collection.estimatedDocumentCount().catch(() => null);
    ctx.onProgress({ phase: 'Reading file records from MongoDB', unit: 'records', done: 0, total, bytesDone: 0, bytesTotal: null, message: `${database}.${ports.mapping.collection}` });
    const cursor = collection.find({}, { projection: projectionOf(ports.mapping), batchSize: BATCH });
    let batch: ReturnType<typeof toRecord>[] = [];
    for await (const doc of cursor) {
      batch.push(toRecord(doc, ports.mapping));
      if (batch.length >= BATCH) {
        ctx.signal.throwIfAborted();
        insertMany(batch);
        done += batch.length;
        batch = [];
        ctx.onProgress({ done });
      }
    }
    insertMany(batch);
    ctx.onProgress({ done: done + batch.length });
  } catch (err) {
    throw ctx.signal.aborted ? ctx.signal.reason : mapMongoError(err, { database });
  }
}

async function loadObjects(db: Database.Database, ports: ConsistencyPorts, ctx: OperationContext, options: ConsistencyOptions): Promise<void> {
  const insert = db.prepare('INSERT OR REPLACE INTO objects (key, size) VALUES (?, ?)');
  const insertMany = db.transaction((page: { key: string; size: number }[]) => {
    for (const o of page) insert.run(o.key, o.size);
  });
  ctx.onProgress({ phase: 'Listing the files in R2', unit: 'files', done: 0, total: null, bytesDone: 0, bytesTotal: null, message: ports.r2.bucket });
  let done = 0;
  let bytes = 0;
  try {
    for await (const page of listBucket(ports.r2.client, ports.r2.bucket, ctx, options.retry ?? DEFAULT_RETRY, options.pageSize)) {
      insertMany(page);
      done += page.length;
      for (const o of page) bytes += o.size;
      ctx.onProgress({ done, bytesDone: bytes });
    }
  } catch (err) {
    throw ctx.signal.aborted ? ctx.signal.reason : mapS3Error(err, { bucket: ports.r2.bucket });
  }
}

/** Every finding, one per line; written to a temporary name first so a half-written file never looks complete. */
function writeCsv(db: Database.Database, file: string, ctx: OperationContext): void {
  const temp = `${file}.partial`;
  const fd = fs.openSync(temp, 'w', 0o600);
  let buffer = '';
  const write = (line: string) => {
    buffer += line;
    if (buffer.length >= 64 * 1024) {
      fs.writeSync(fd, buffer);
      buffer = '';
    }
  };
  try {
    write(csvLine(['problem', 'file key', 'record', 'size in the record', 'size in R2']));
    for (const name of Object.keys(QUERIES) as ListName[]) {
      for (const row of db.prepare(QUERIES[name]).iterate() as IterableIterator<{ key: string; recordId?: string; recordSize?: number | null; size?: number; objectSize?: number }>) {
        const objectSize = name === 'orphans' || name === 'deletedWithObject' ? row.size : row.objectSize;
        write(csvLine([CSV_PROBLEM[name], row.key, row.recordId ?? '', row.recordSize ?? null, objectSize ?? null]));
      }
    }
    for (const row of db.prepare('SELECT id FROM records WHERE key IS NULL ORDER BY id').iterate() as IterableIterator<{ id: string }>) {
      write(csvLine(['record without a file key', '', row.id, null, null]));
    }
    fs.writeSync(fd, buffer);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(temp, file);
  ctx.log('info', `Wrote the full list to ${file}`);
}
