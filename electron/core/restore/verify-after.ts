// After a restore: proof, re-read from the live servers, that what the restore point holds is there.
// Collections: the exact document count, the first chunk of documents compared byte for byte, the
// index names and keys. Objects: every object of the scope listed with its size, and a sample
// downloaded and compared with the restore point (bytes and headers). Folder files: present, sized.
import { createHash } from 'node:crypto';
import fsp from 'node:fs/promises';
import { EJSON, type Document } from 'bson';
import type { Db } from 'mongodb';
import { countMatches, RESTORE_PHASES, type RestorePlan, type RestoreSummary, type RestoreVerification } from '../../../shared/api/restore';
import type { OperationContext } from '../../../shared/jobs';
import type { Repository } from '../repository';
import { KEEP_TYPES } from './exact-bson';
import { listLive, readObject, sameMetadata, type LiveBucket } from './r2-live';
import { readMetadata, type SnapshotIndex } from './snapshot-index';
import { BUCKETS_PREFIX } from '../sources/mongo-catalog';
import { countPastTtl, isPastTtl, notPastTtlFilter, ttlRules } from './ttl';
import { splitDocuments } from '../verify/bson-check';

export const VERIFY_PHASE = RESTORE_PHASES.verify;
const SAMPLE_OBJECTS = 10;
const SAMPLE_MAX_BYTES = 64 * 1024 * 1024;
const MAX_PROBLEMS = 50;

export interface VerifyDeps {
  repo: Repository;
  index: SnapshotIndex;
  db: Db | null;
  live: LiveBucket | null;
  /** Files the folder phase wrote. */
  files: { abs: string; size: number }[];
}

const indexKey = (ix: Document) => `${String(ix.name)} ${EJSON.stringify(ix.key, { relaxed: false })}`;

async function checkCollection(deps: VerifyDeps, db: Db, name: string): Promise<RestoreVerification['collections'][number]> {
  // A time-series collection's data are its buckets (what the restore point holds for it).
  const series = deps.index.collections.has(name) ? undefined : deps.index.timeseries.get(name);
  const entry = series ?? deps.index.collections.get(name)!;
  const dataName = series ? `${BUCKETS_PREFIX}${name}` : name;
  const meta = await readMetadata(deps.repo, deps.index.metadata.get(name));
  const rules = series ? [] : ttlRules(meta.indexes);
  const now = Date.now();
  const found = await db.collection(dataName).countDocuments({});
  let sampled = 0;
  let sampleOk = true;
  const first = entry.chunks[0];
  if (first) {
    // Backups read in _id order, so the first chunk is the first documents the server returns sorted by _id.
    const docs = (await db.collection(dataName).find({}, { raw: true, sort: { _id: 1 }, limit: first.docs }).toArray()) as unknown as Buffer[];
    const blob = await deps.repo.getBlob(first.id);
    if (rules.length === 0) {
      sampled = docs.length;
      sampleOk = Buffer.concat(docs).equals(blob);
    } else {
      // MongoDB's TTL monitor may have deleted documents past their time: compare the others, in order.
      const want = [...splitDocuments(blob)].filter((d) => !isPastTtl(d, rules, now));
      const have = docs.filter((d) => !isPastTtl(d, rules, now));
      sampled = want.length;
      sampleOk = have.length >= want.length && want.every((d, i) => Buffer.from(d).equals(have[i]));
    }
  }
  let pastTtl: number | undefined;
  if (rules.length > 0) {
    // Allowed to be missing: only documents past their time, and only if every other one is there.
    const past = await countPastTtl(deps.repo, entry, rules, now);
    const othersLive = await db.collection(dataName).countDocuments(notPastTtlFilter(rules, now));
    pastTtl = othersLive === entry.docs - past ? past : 0;
  }
  const live = (await db.collection(name).listIndexes(KEEP_TYPES).toArray()) as Document[];
  const want = new Set(meta.indexes.map(indexKey));
  const have = new Set(live.map(indexKey));
  const indexesOk = meta.indexes.length === 0 || (want.size === have.size && [...want].every((k) => have.has(k)));
  return { name, expected: entry.docs, found, sampled, sampleOk, indexesOk, ...(pastTtl ? { pastTtl } : {}) };
}

async function sha256Of(parts: AsyncIterable<Buffer> | Iterable<Buffer>): Promise<string> {
  const hash = createHash('sha256');
  for await (const p of parts) hash.update(p);
  return hash.digest('hex');
}

async function* blobsOf(repo: Repository, chunks: { id: string }[]): AsyncGenerator<Buffer> {
  for (const c of chunks) yield await repo.getBlob(c.id);
}

async function checkObjects(deps: VerifyDeps, plan: RestorePlan, ctx: OperationContext): Promise<RestoreVerification['objects']> {
  const live = deps.live!;
  const prefixes = plan.scope.prefixes;
  const inScope = (key: string) => !prefixes || prefixes.some((p) => key.startsWith(p));
  const problems: RestoreVerification['objects']['problems'] = [];
  const problem = (name: string, message: string) => problems.length < MAX_PROBLEMS && problems.push({ name, message });
  const sizes = new Map<string, number>();
  for await (const o of listLive(live, prefixes, ctx)) sizes.set(o.key, o.size);
  let expected = 0;
  let present = 0;
  for (const entry of deps.index.objects.values()) {
    if (!inScope(entry.key)) continue;
    expected += 1;
    const size = sizes.get(entry.key);
    if (size === undefined) problem(entry.key, 'is missing from the bucket');
    else if (size !== entry.size) problem(entry.key, `has ${size} bytes instead of ${entry.size}`);
    else present += 1;
  }
  // A sample of what was put back, spread over the list, downloaded and compared.
  const put = (plan.bucket?.put.items ?? []).filter((p) => p.size <= SAMPLE_MAX_BYTES && sizes.get(p.key) === p.size);
  const step = Math.max(1, Math.floor(put.length / SAMPLE_OBJECTS));
  let sampled = 0;
  for (let i = 0; i < put.length && sampled < SAMPLE_OBJECTS; i += step) {
    ctx.signal.throwIfAborted();
    const entry = deps.index.objects.get(put[i].key)!;
    const now = await readObject(live, entry.key, ctx);
    sampled += 1;
    if (!now) problem(entry.key, 'is missing from the bucket');
    else if (createHash('sha256').update(now.body).digest('hex') !== (await sha256Of(blobsOf(deps.repo, entry.chunks)))) problem(entry.key, 'has other content than in the restore point');
    else if (!sameMetadata(entry, now.head)) problem(entry.key, 'has another content type or other metadata than in the restore point');
  }
  return { expected, present, sampled, problems };
}

async function checkFiles(files: VerifyDeps['files']): Promise<RestoreVerification['files']> {
  const problems: RestoreVerification['files']['problems'] = [];
  let present = 0;
  for (const f of files) {
    const stat = await fsp.lstat(f.abs).catch(() => null);
    if (!stat?.isFile()) problems.push({ name: f.abs, message: 'is missing' });
    else if (stat.size !== f.size) problems.push({ name: f.abs, message: `has ${stat.size} bytes instead of ${f.size}` });
    else present += 1;
  }
  return { expected: files.length, present, problems: problems.slice(0, MAX_PROBLEMS) };
}

export async function verifyRestore(deps: VerifyDeps, plan: RestorePlan, summary: RestoreSummary, ctx: OperationContext): Promise<RestoreVerification> {
  const restored = summary.database.restored.map((r) => r.name);
  ctx.onProgress({ phase: VERIFY_PHASE, unit: 'checks', done: 0, total: restored.length + (deps.live ? 1 : 0) + 1, bytesDone: 0, bytesTotal: null, message: '' });
  const collections: RestoreVerification['collections'] = [];
  for (const name of restored) {
    ctx.signal.throwIfAborted();
    collections.push(await checkCollection(deps, deps.db!, name));
    ctx.onProgress({ done: collections.length, message: name });
  }
  const objects = deps.live && plan.bucket ? await checkObjects(deps, plan, ctx) : { expected: 0, present: 0, sampled: 0, problems: [] };
  const files = await checkFiles(deps.files);
  const ok =
    collections.every((c) => countMatches(c) && c.sampleOk && c.indexesOk) &&
    objects.problems.length === 0 &&
    objects.present === objects.expected &&
    files.problems.length === 0;
  return { ok, collections, objects, files };
}
