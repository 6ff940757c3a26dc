// Auto-detect of the file-record mapping: which collection and field of PCI File Manager's database
// hold the bucket key of each file (plus, when found, the size and the "deleted" field).
// How: sample up to 200 documents of every collection and list a sample of bucket keys; a string
// field scores by how many of its sampled values are bucket keys. When the key sample is only part
// of a big bucket, a few values per field are also looked up directly (HEAD), so a match does not
// depend on which keys the listing happened to return.
import { HeadObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import type { Db, Document } from 'mongodb';
import type { MappingCandidate, MappingProposal } from '../../../shared/api/profiles';

export interface DetectOptions {
  sampleDocs?: number;
  sampleKeys?: number;
  /** Direct lookups per candidate field when the key sample is partial. */
  headChecks?: number;
  signal?: AbortSignal;
}

const DELETED_NAME = /^(is_?)?(deleted|removed|trashed)(_?(at|on|date))?$/i;

export async function detectMapping(db: Db, s3: S3Client, bucket: string, options: DetectOptions = {}): Promise<MappingProposal> {
  const sampleDocs = options.sampleDocs ?? 200;
  const { sizes, truncated } = await sampleKeys(s3, bucket, options.sampleKeys ?? 1000, options.signal);
  // Views repeat their collection's documents (PCI File Manager's activeFiles is a view on files).
  const collections = (await db.listCollections({}, { nameOnly: true }).toArray())
    .filter((c) => c.type !== 'view' && !c.name.startsWith('system.'))
    .map((c) => c.name)
    .sort();
  const candidates: MappingCandidate[] = [];

  for (const name of collections) {
    options.signal?.throwIfAborted();
    const docs = await db.collection(name).find({}, { limit: sampleDocs }).toArray();
    if (docs.length === 0) continue;
    const fields = collectFields(docs);
    for (const [field, values] of fields.strings) {
      // A field most documents lack is not the mapping (the key of a file is always there).
      if (values.length < docs.length / 2) continue;
      let matched = values.filter((v) => sizes.has(normalise(v))).length;
      let tested = values.length;
      if (matched < Math.min(5, values.length) && truncated && values.some(looksLikeKey)) {
        const sample = values.filter(looksLikeKey).slice(0, options.headChecks ?? 5);
        const found = await Promise.all(sample.map((v) => headSize(s3, bucket, normalise(v))));
        found.forEach((size, i) => size !== null && sizes.set(normalise(sample[i]), size));
        matched = found.filter((s) => s !== null).length;
        tested = sample.length;
      }
      if (matched === 0) continue;
      const candidate: MappingCandidate = { collection: name, keyField: field, matched, sampled: tested, score: matched / tested };
      const sizeField = findSizeField(docs, field, fields.numbers, sizes);
      if (sizeField) candidate.sizeField = sizeField;
      const deleted = fields.all.find((f) => DELETED_NAME.test(f.split('.').pop() ?? ''));
      if (deleted) candidate.deletedField = deleted;
      candidates.push(candidate);
    }
  }
  candidates.sort((a, b) => b.score - a.score || b.matched - a.matched);
  const best = candidates.find((c) => c.score >= 0.5) ?? null;
  return { best, candidates: candidates.slice(0, 5), sampledKeys: sizes.size, collections };
}

async function sampleKeys(s3: S3Client, bucket: string, max: number, signal?: AbortSignal): Promise<{ sizes: Map<string, number>; truncated: boolean }> {
  const sizes = new Map<string, number>();
  let token: string | undefined;
  do {
    const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, ContinuationToken: token, MaxKeys: Math.min(1000, max - sizes.size) }), { abortSignal: signal });
    for (const o of page.Contents ?? []) if (o.Key) sizes.set(o.Key, o.Size ?? 0);
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token && sizes.size < max);
  return { sizes, truncated: token !== undefined };
}

async function headSize(s3: S3Client, bucket: string, key: string): Promise<number | null> {
  try {
    const out = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    return out.ContentLength ?? 0;
  } catch {
    return null;
  }
}

/** Stored keys sometimes carry a leading slash that S3 keys do not. */
function normalise(value: string): string {
  return value.replace(/^\/+/, '');
}

function looksLikeKey(value: string): boolean {
  return value.length > 0 && value.length <= 1024 && !/\s{2,}/.test(value) && /[/.]/.test(value);
}

interface Fields {
  strings: Map<string, string[]>;
  numbers: Map<string, Array<number | null>>;
  all: string[];
}

/** Top-level and one level of nested fields ("file.key"), by type; `numbers` is aligned with docs. */
function collectFields(docs: Document[]): Fields {
  const strings = new Map<string, string[]>();
  const numbers = new Map<string, Array<number | null>>();
  const all = new Set<string>();
  docs.forEach((doc, i) => {
    const visit = (obj: Document, prefix: string, depth: number) => {
      for (const [k, v] of Object.entries(obj)) {
        const path = prefix + k;
        all.add(path);
        if (typeof v === 'string') strings.set(path, [...(strings.get(path) ?? []), v]);
        else if (typeof v === 'number' || (v && typeof v === 'object' && typeof (v as { toNumber?: unknown }).toNumber === 'function')) {
          const column = numbers.get(path) ?? new Array<number | null>(docs.length).fill(null);
          column[i] = typeof v === 'number' ? v : (v as { toNumber(): number }).toNumber();
          numbers.set(path, column);
        } else if (v && typeof v === 'object' && !Array.isArray(v) && depth === 0 && !(v instanceof Date)) visit(v as Document, `${path}.`, 1);
      }
    };
    visit(doc, '', 0);
  });
  return { strings, numbers, all: [...all] };
}

function getPath(doc: Document, path: string): unknown {
  return path.split('.').reduce<unknown>((v, k) => (v && typeof v === 'object' ? (v as Document)[k] : undefined), doc);
}

/** The numeric field equal to the object's size for most documents whose key was found. */
function findSizeField(docs: Document[], keyField: string, numbers: Map<string, Array<number | null>>, sizes: Map<string, number>): string | undefined {
  let best: { field: string; hits: number } | undefined;
  for (const [field, column] of numbers) {
    let hits = 0;
    let known = 0;
    docs.forEach((doc, i) => {
      const key = getPath(doc, keyField);
      const size = typeof key === 'string' ? sizes.get(normalise(key)) : undefined;
      if (size === undefined) return;
      known++;
      if (column[i] === size) hits++;
    });
    if (known > 0 && hits / known >= 0.5 && (!best || hits > best.hits)) best = { field, hits };
  }
  return best?.field;
}
