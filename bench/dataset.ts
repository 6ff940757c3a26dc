// The benchmark's data: a bucket of mixed-size objects (mostly incompressible, like photos and PDFs,
// some text) and a MongoDB database of file records and activity, generated deterministically.
import { createCipheriv, createHash } from 'node:crypto';
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import type { MongoClient } from 'mongodb';

export interface BenchScale {
  objects: number;
  /** Total bucket size the object sizes are scaled to. */
  bucketBytes: number;
  fileRecords: number;
  activity: number;
}

export const FULL: BenchScale = { objects: 1200, bucketBytes: 1.1 * 1024 ** 3, fileRecords: 120_000, activity: 200_000 };
export const QUICK: BenchScale = { objects: 300, bucketBytes: 100 * 1024 ** 2, fileRecords: 12_000, activity: 20_000 };

/** A small seeded generator (mulberry32): the same dataset every run. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface PlannedObject {
  key: string;
  size: number;
  text: boolean;
  version: number;
}

/** Sizes like a file share: many small files, a tail of large ones (scaled to the wanted total). */
export function planObjects(scale: BenchScale): PlannedObject[] {
  const r = rng(42);
  const raw = Array.from({ length: scale.objects }, () => {
    const x = r();
    if (x < 0.6) return 4096 + r() * 250_000;
    if (x < 0.9) return 250_000 + r() * 3_000_000;
    if (x < 0.98) return 3_000_000 + r() * 9_000_000;
    return 20_000_000 + r() * 20_000_000;
  });
  const factor = scale.bucketBytes / raw.reduce((a, b) => a + b, 0);
  return raw.map((size, i) => ({ key: `files/${String(i % 37).padStart(2, '0')}/object-${String(i).padStart(5, '0')}.${i % 5 === 0 ? 'txt' : 'bin'}`, size: Math.max(1, Math.round(size * factor)), text: i % 5 === 0, version: 0 }));
}

/** Object content: AES-CTR noise (does not compress) or repetitive text (compresses). */
export function content(o: PlannedObject): Buffer {
  const key = createHash('sha256').update(`${o.key}\u0000${o.version}`).digest();
  if (o.text) {
    const line = Buffer.from(`${key.toString('hex')} invoice customer payment order delivery project ${o.version}\n`);
    const out = Buffer.alloc(o.size);
    for (let i = 0; i < o.size; i += line.length) line.copy(out, i);
    return out;
  }
  return createCipheriv('aes-256-ctr', key, Buffer.alloc(16)).update(Buffer.alloc(o.size));
}

export async function uploadObjects(client: S3Client, bucket: string, objects: PlannedObject[], concurrency = 8): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < objects.length) {
        const o = objects[next++];
        const body = content(o);
        const contentType = o.text ? 'text/plain' : 'application/octet-stream';
        if (o.size < 16 * 1024 * 1024) await client.send(new PutObjectCommand({ Bucket: bucket, Key: o.key, Body: body, ContentType: contentType }));
        else await new Upload({ client, params: { Bucket: bucket, Key: o.key, Body: body, ContentType: contentType }, partSize: 8 * 1024 * 1024, queueSize: 2 }).done();
      }
    }),
  );
}

export async function seedMongo(client: MongoClient, database: string, scale: BenchScale): Promise<void> {
  const db = client.db(database);
  const r = rng(7);
  const hex = (n: number) => Array.from({ length: n }, () => Math.floor(r() * 16).toString(16)).join('');
  const batch = 5000;
  for (let start = 0; start < scale.fileRecords; start += batch) {
    const docs = Array.from({ length: Math.min(batch, scale.fileRecords - start) }, (_, j) => {
      const i = start + j;
      return { _id: i, name: `Invoice ${i} ${hex(6)}.pdf`, storageKey: `files/${hex(2)}/${hex(24)}.pdf`, size: Math.floor(r() * 5e6), owner: `user-${i % 97}`, tags: ['invoice', `q${(i % 4) + 1}`], createdAt: new Date(1.7e12 + i * 60_000), checksum: hex(64) };
    });
    await db.collection<{ _id: number }>('files').insertMany(docs);
  }
  for (let start = 0; start < scale.activity; start += batch) {
    const docs = Array.from({ length: Math.min(batch, scale.activity - start) }, (_, j) => ({ _id: start + j, at: new Date(1.7e12 + (start + j) * 1000), action: r() < 0.5 ? 'download' : 'upload', file: Math.floor(r() * scale.fileRecords), ip: `10.0.${Math.floor(r() * 255)}.${Math.floor(r() * 255)}` }));
    await db.collection<{ _id: number }>('activity').insertMany(docs);
  }
  await db.collection('files').createIndex({ storageKey: 1 }, { unique: true });
}
