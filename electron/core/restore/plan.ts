// The preview of a restore ("plan"): what exists now against what the restore point holds, in numbers
// a person can check — documents per collection now vs then, objects to put back (missing or changed
// now), objects that exist now but not then (kept unless the person asks), folder files to write.
// Nothing is changed here. The plan is a plain value: the restore executes exactly this plan.
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import type { Db } from 'mongodb';
import type { PlanCollection, PlanFolder, PlanObject, RestorePlan, RestoreScope } from '../../../shared/api/restore';
import { userError } from '../../../shared/errors';
import type { OperationContext } from '../../../shared/jobs';
import { folderPaths, mongoSource, s3Source, type Profile } from '../../../shared/profile';
import type { R2ObjectEntry, Repository } from '../repository';
import { forEachLimit } from '../repository/blob-store';
import { bypassHint, requireTask } from '../connections/mongo-privileges';
import { folderNames } from '../sources/folders';
import { restoringKinds, type BackupPorts } from '../sources/kind';
import { inexactCollections, sourceBlobs } from './check';
import { isTempCollection } from './cleanup';
import { inexactSentence } from './exact-bson';
import { refusedEntries, relativeOf } from './folders-restore';
import { headObject, listLive, readObject, sameMetadata, sameSecond, type LiveBucket } from './r2-live';
import { collectionNames, contentOf, readMetadata, type SnapshotIndex } from './snapshot-index';
import { countPastTtl, pastTtlNote, ttlRules } from './ttl';

/** Objects up to this size whose ETag differs are downloaded and compared byte for byte (cheap). */
const COMPARE_MAX_BYTES = 4 * 1024 * 1024;
/** The clock difference S3 signatures tolerate (as the backup assumes). */
const RECHECK_MARGIN_MS = 15 * 60_000;

export interface PlanDeps {
  repo: Repository;
  index: SnapshotIndex;
  profile: Profile;
  location: string;
  mongo: { db: Db; database: string } | null;
  r2: LiveBucket | null;
  /** The ports of the kinds restored through their own module (sources/kind.ts planRestore), from the profile. */
  ports?: Partial<BackupPorts>;
}

type Ctx = Pick<OperationContext, 'signal' | 'log'>;

export async function buildPlan(deps: PlanDeps, scope: RestoreScope, ctx: Ctx): Promise<RestorePlan> {
  const { index } = deps;
  const warnings = index.ignored.map((what) => `The restore point also holds the ${what}, which is not restored (a connection restores one database and one bucket).`);
  const blobs = new Map<string, number>();
  const need = (chunks: { id: string; size: number }[]) => chunks.forEach((c) => blobs.set(c.id, c.size));

  let database: RestorePlan['database'] = null;
  if (scope.database && index.database !== null && !deps.mongo && !mongoSource(deps.profile)) {
    warnings.push(`The restore point also holds the database "${index.database}"; this connection has no MongoDB database, so it is left out.`);
  } else if (scope.database && index.database !== null) {
    if (!deps.mongo) throw new Error('buildPlan: the database part needs a MongoDB connection');
    // Before anything else (and long before the safety backup): may this user restore at all?
    const privileges = await requireTask(deps.mongo.db, 'restore');
    if (index.database !== deps.mongo.database) warnings.push(`The restore point is of the database "${index.database}"; it is restored into "${deps.mongo.database}", the database this connection uses.`);
    database = await planDatabase(deps, deps.mongo, scope.collections, need);
    if (privileges?.enforced && !privileges.bypassValidation) {
      const ruled = [];
      for (const c of database.collections) {
        if (c.kind !== 'collection' || c.action === 'skip') continue;
        const meta = await readMetadata(deps.repo, deps.index.metadata.get(c.name));
        if (meta.options.validator !== undefined) ruled.push(c.name);
      }
      if (ruled.length > 0) {
        warnings.push(`${ruled.map((n) => `"${n}"`).join(', ')} ${ruled.length === 1 ? 'has' : 'have'} validation rules, which this MongoDB user may not skip: a document of the restore point that breaks them would stop the restore before anything is switched (the restore then names such documents). ${bypassHint(privileges)}.`);
      }
    }
    // Said now rather than after the confirmation (and the safety backup): the restore would refuse.
    // This reads the database part of the restore point, small next to the files, which the restore reads anyway.
    const restored = database.collections.filter((c) => c.kind === 'collection' && c.action !== 'skip').map((c) => c.name);
    for (const c of await inexactCollections(deps.repo, index, restored, ctx.signal)) {
      warnings.push(`${inexactSentence(c)} The restore stops before changing anything unless "${c.name}" is left out ("Choose what to restore", or --collections); to restore it, export this restore point as a mongodump folder and use mongorestore, which writes documents byte for byte.`);
    }
  } else if (scope.collections) {
    throw userError('INVALID_INPUT', 'No database in this restore point', 'This restore point holds no database, so no collection can be restored from it.', 'Choose another restore point, or restore the files only.');
  }

  let bucket: RestorePlan['bucket'] = null;
  if (scope.bucket && index.bucket !== null && !deps.r2 && !s3Source(deps.profile)) {
    warnings.push(`The restore point also holds the files of the bucket "${index.bucket}"; this connection has no bucket, so they are left out.`);
  } else if (scope.bucket && index.bucket !== null) {
    if (!deps.r2) throw new Error('buildPlan: the bucket part needs an R2 connection');
    if (index.bucket !== deps.r2.bucket) warnings.push(`The restore point is of the bucket "${index.bucket}"; its files are put into "${deps.r2.bucket}", the bucket this connection uses.`);
    bucket = await planBucket(deps.repo, index, deps.r2, scope.prefixes, need, ctx);
  }

  let folders: RestorePlan['folders'] = null;
  if (scope.folders && index.folders.size > 0) {
    folders = planFolders(index, deps.profile, scope.folderTarget, need, warnings);
  }

  let sources: RestorePlan['sources'];
  if (scope.sources) {
    for (const { kind, module } of restoringKinds()) {
      const part = await module.planRestore(deps.ports?.[kind] as never, { repo: deps.repo, index, ctx });
      if (part.sources.length > 0) sources = [...(sources ?? []), ...part.sources];
      warnings.push(...part.warnings);
    }
    for (const [id, size] of sourceBlobs(sources, index)) blobs.set(id, size);
  }

  return {
    id: randomUUID(),
    createdAt: new Date().toISOString(),
    profile: deps.profile.name,
    location: deps.location,
    snapshot: { id: index.header.id, createdAt: index.header.createdAt, tags: index.header.tags, consistency: index.header.consistency },
    scope,
    database,
    bucket,
    folders,
    ...(sources ? { sources } : {}),
    read: { blobs: blobs.size, bytes: [...blobs.values()].reduce((a, b) => a + b, 0) },
    warnings,
  };
}

async function planDatabase(deps: PlanDeps, mongo: { db: Db; database: string }, chosen: string[] | null, need: (chunks: { id: string; size: number }[]) => void): Promise<NonNullable<RestorePlan['database']>> {
  const { index, repo } = deps;
  // A backup taken while a restore ran may hold its temporary collections: never restore those.
  const all = collectionNames(index).filter((n) => !isTempCollection(n));
  const names = chosen ?? all;
  const unknown = names.filter((n) => !all.includes(n));
  if (unknown.length > 0) {
    throw userError('INVALID_INPUT', 'Collection not in the restore point', `The restore point has no collection named ${unknown.map((n) => `"${n}"`).join(', ')}.`, `Choose among: ${all.join(', ') || '(none)'}.`);
  }
  const live = new Map<string, string>();
  for (const c of await mongo.db.listCollections({}, { nameOnly: false }).toArray()) live.set(String(c.name), String(c.type ?? 'collection'));
  const countOf = async (name: string) => (live.get(name) === 'collection' ? mongo.db.collection(name).estimatedDocumentCount() : null);

  const collections: PlanCollection[] = [];
  for (const name of names) {
    const metaEntry = index.metadata.get(name);
    const meta = await readMetadata(repo, metaEntry);
    const kind = index.collections.has(name) ? 'collection' : meta.type;
    const data = kind === 'timeseries' ? index.timeseries.get(name) : index.collections.get(name);
    const exists = live.has(name);
    const docsNow = exists ? await countOf(name) : null;
    let action: PlanCollection['action'] = kind === 'view' ? 'view' : exists ? 'replace' : 'create';
    let note: string | null = null;
    if (kind === 'timeseries' && !data) {
      action = 'skip';
      note = 'The restore point holds only the definition of this time-series collection (made by an older version): it is left as it is.';
    } else if (kind === 'timeseries' && data) {
      // Restored as mongorestore does it: the collection is made anew and its buckets put back.
      note = `Time-series collection: restored with its ${data.docs} bucket${data.docs === 1 ? '' : 's'} of measurements${exists ? '; the one there now is removed first, so it is missing for a moment' : ''}.`;
    } else if (kind === 'collection' && !data) {
      action = 'skip';
      note = 'The restore point has no documents for it.';
    } else if (kind === 'collection' && (live.get(name) === 'view' || live.get(name) === 'timeseries')) {
      note = `This name is a ${live.get(name) === 'view' ? 'view' : 'time-series collection'} now; it is replaced by the restored collection (the safety backup keeps it).`;
    } else if (kind === 'view' && live.get(name) === 'collection') {
      note = `This name is a collection with ${docsNow ?? 0} documents now; it is replaced by the restored view (the safety backup keeps it).`;
    }
    const rules = data && action !== 'skip' ? ttlRules(meta.indexes) : [];
    if (data && rules.length > 0) {
      const expired = await countPastTtl(repo, data, rules, Date.now());
      if (expired > 0) note = note ? `${note} ${pastTtlNote(expired, data.docs, rules)}` : pastTtlNote(expired, data.docs, rules);
    }
    if (action !== 'skip') {
      if (data) need(data.chunks);
      if (metaEntry) need(metaEntry.chunks);
    }
    collections.push({ name, kind, docsNow: docsNow ?? (exists ? 0 : null), docsInSnapshot: data?.docs ?? 0, bytes: data?.size ?? 0, action, note });
  }
  const kept: { name: string; docs: number }[] = [];
  if (!chosen) {
    for (const [name, type] of live) {
      if (all.includes(name) || isTempCollection(name) || name.startsWith('system.')) continue;
      kept.push({ name, docs: (type === 'collection' ? await mongo.db.collection(name).estimatedDocumentCount() : 0) ?? 0 });
    }
  }
  return { name: mongo.database, collections, kept };
}

async function planBucket(repo: Repository, index: SnapshotIndex, live: LiveBucket, prefixes: string[] | null, need: (chunks: { id: string; size: number }[]) => void, ctx: Ctx): Promise<NonNullable<RestorePlan['bucket']>> {
  const inScope = (key: string) => !prefixes || prefixes.some((p) => key.startsWith(p));
  const seen = new Set<string>();
  const put: PlanObject[] = [];
  const extra: { key: string; size: number }[] = [];
  const unchanged = { count: 0, bytes: 0 };
  /** Same size, but ETag or time differ: decided with a HEAD (metadata) or a download (small content). */
  const unsure: { entry: R2ObjectEntry; etagDiffers: boolean }[] = [];
  // Times have whole seconds and R2's clock may differ from ours: an object last modified around or
  // after the backup started may have been rewritten (new metadata, same bytes) unseen; ask for its headers.
  const settled = Date.parse(index.header.createdAt) - RECHECK_MARGIN_MS;

  for await (const obj of listLive(live, prefixes, ctx)) {
    if (!inScope(obj.key)) continue;
    const entry = index.objects.get(obj.key);
    if (!entry) {
      extra.push({ key: obj.key, size: obj.size });
      continue;
    }
    seen.add(obj.key);
    if (entry.size !== obj.size) put.push({ key: obj.key, size: entry.size, reason: 'changed' });
    else if (entry.etag !== obj.etag) unsure.push({ entry, etagDiffers: true });
    else if (!sameSecond(entry.lastModified, obj.lastModified) || Date.parse(obj.lastModified) >= settled) unsure.push({ entry, etagDiffers: false });
    else {
      unchanged.count += 1;
      unchanged.bytes += entry.size;
    }
  }
  for (const entry of index.objects.values()) if (inScope(entry.key) && !seen.has(entry.key)) put.push({ key: entry.key, size: entry.size, reason: 'missing' });

  // ETags are not content hashes (multipart ETags differ for the same bytes): for small objects the
  // bytes themselves are compared; large ones with another ETag are put back (harmless if equal).
  await forEachLimit(unsure, 8, async ({ entry, etagDiffers }) => {
    let reason: PlanObject['reason'] | null = null;
    if (etagDiffers && entry.size > COMPARE_MAX_BYTES) reason = 'changed';
    else if (etagDiffers) {
      const now = await readObject(live, entry.key, ctx);
      if (!now) reason = 'missing';
      else if (!now.body.equals(await contentOf(repo, entry.chunks))) reason = 'changed';
      else if (!sameMetadata(entry, now.head)) reason = 'metadata';
    } else {
      // Rewritten since the backup with the same bytes: only its metadata can differ.
      const head = await headObject(live, entry.key, ctx);
      if (!head) reason = 'missing';
      else if (head.ETag !== entry.etag) reason = 'changed';
      else if (!sameMetadata(entry, head)) reason = 'metadata';
    }
    if (reason) put.push({ key: entry.key, size: entry.size, reason });
    else {
      unchanged.count += 1;
      unchanged.bytes += entry.size;
    }
  });
  const byKey = (a: { key: string }, b: { key: string }) => Buffer.compare(Buffer.from(a.key), Buffer.from(b.key));
  put.sort(byKey);
  extra.sort(byKey);
  for (const p of put) need(index.objects.get(p.key)!.chunks);
  const sum = (items: { size: number }[]) => items.reduce((n, i) => n + i.size, 0);
  return {
    name: live.bucket,
    put: { count: put.length, bytes: sum(put), items: put, truncated: false },
    missing: put.filter((p) => p.reason === 'missing').length,
    changed: put.filter((p) => p.reason !== 'missing').length,
    unchanged,
    extra: { count: extra.length, bytes: sum(extra), items: extra, truncated: false },
  };
}

function planFolders(index: SnapshotIndex, profile: Profile, chosen: string | null, need: (chunks: { id: string; size: number }[]) => void, warnings: string[]): NonNullable<RestorePlan['folders']> {
  const folders = folderPaths(profile);
  const names = folderNames(folders);
  const items: PlanFolder[] = [];
  for (const [name, entries] of index.folders) {
    const original = folders[names.indexOf(name)];
    const target = chosen ? path.join(path.resolve(chosen), name) : original ? path.resolve(original) : null;
    if (!target) warnings.push(`The restore point holds the configuration folder "${name}", which this connection no longer lists. Choose a folder to restore it into, or it is left out.`);
    const refused = refusedEntries(entries);
    const skip = new Set(refused.map((r) => r.path));
    const kept = entries.filter((e) => !skip.has(relativeOf(e.path)));
    if (target) for (const e of kept) if (e.kind === 'file') need(e.chunks);
    for (const r of refused) warnings.push(`"${name}/${r.path}" is not restored: ${r.why}.`);
    items.push({
      name,
      target,
      files: kept.filter((e) => e.kind === 'file').length,
      dirs: kept.filter((e) => e.kind === 'dir').length,
      symlinks: kept.filter((e) => e.kind === 'symlink').length,
      bytes: kept.reduce((n, e) => n + (e.kind === 'file' ? e.size : 0), 0),
      refused,
    });
  }
  const active = items.filter((i) => i.target);
  return { items, files: active.reduce((n, i) => n + i.files, 0), bytes: active.reduce((n, i) => n + i.bytes, 0) };
}

/** The plan as the UI shows it: long lists cut to `limit` items (counts stay exact). */
export function planView(plan: RestorePlan, limit = 500): RestorePlan {
  if (!plan.bucket) return plan;
  const cut = <T>(l: { count: number; bytes: number; items: T[]; truncated: boolean }) => ({ ...l, items: l.items.slice(0, limit), truncated: l.truncated || l.items.length > limit });
  return { ...plan, bucket: { ...plan.bucket, put: cut(plan.bucket.put), extra: cut(plan.bucket.extra) } };
}
