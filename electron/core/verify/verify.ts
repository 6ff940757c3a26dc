// Verification of restore points (DESIGN §5, docs/backup-format.md §11). Quick: the location's header,
// every restore point file, the verified restore points' file lists, and every blob they name present
// with a plausible size. Full: every blob also read, decrypted, decompressed and hashed, database chunks
// parsed document by document. Sampled: quick, plus a slice of the blobs read in full. Optionally a test
// restore of the database part. Every problem names its restore point, logical path and blob.
import type { MongoClient } from 'mongodb';
import { UserError } from '../../../shared/errors';
import type { OperationContext } from '../../../shared/jobs';
import type { VerifyDepth, VerifyProblem, VerifyResult } from '../../../shared/api/verify';
import { acquire, indexPath, withoutFileNote, Repository, type BlobStore, type Lock, type SnapshotHeader } from '../repository';
import { snapshotNotFound } from '../repository/errors';
import { BlobIndex, BlobState } from './blob-index';
import { metadataProblems } from './bson-check';
import { InspectingStore } from './inspecting-store';
import { ProblemLog, plausibleStoredSize } from './problems';
import { planReads, readBlobs } from './read-blobs';
import { inSlice, type Slice } from './sample';
import { readSnapshotHeaders, scanManifest } from './scan';
import { verifyingKinds, type KindVerifyRun, type PortKind, type SourceCheck, type VerifyPorts as KindPorts } from '../sources/kind';
import type { ManifestEntry } from '../repository';

export interface VerifyPorts {
  store: BlobStore;
  passphrase?: string;
  /** The MongoDB server the backup came from: the test restore uses scratch collections on it. */
  mongo?: MongoClient | null;
  /** The connection's database, where the scratch collections go (default: the backed-up one). */
  mongoDatabase?: string;
}

export interface VerifyOptions {
  /** A snapshot id, 'latest' (of `profile` when it has any) or 'all'. */
  snapshot: string;
  depth: VerifyDepth;
  profile?: string;
  /** Sampled depth: the slice of the blob-id space to read (or how to find it from the location's id). */
  slice?: Slice | ((repoId: string) => Slice);
  testRestore?: boolean;
  /** How "latest" is chosen when the caller knows more than the location (the history: restore/profile-jobs.ts latestRule). */
  latest?: (headers: SnapshotHeader[], damaged: string[]) => SnapshotHeader;
  /** Blob reads in flight (default 8). */
  concurrency?: number;
  onBlobRead?: (id: string) => void;
  /** Test hook (see backup/test-hooks.ts): the test restore calls it after each scratch batch ('test-restore-batch'). */
  hook?: (point: string) => Promise<void>;
  /** Where the source kinds' checks put scratch files (rebuilt databases); default: the system's temporary folder. */
  tmpDir?: string;
}

/** The result before the caller adds sampling coverage (which lives in the history). */
export type CoreVerifyResult = Omit<VerifyResult, 'sample' | 'samplePercent'> & { slice: Slice | null };

/**
 * The restore points a verification (or export) looks at. With a profile, "latest" and "all" mean
 * that connection's restore points only: a backup location may hold other connections' backups, and
 * proving one of theirs says nothing about this one. Unreadable files cannot be told apart, so "all"
 * still reports them.
 */
export function pickTargets(headers: SnapshotHeader[], damaged: string[], snapshot: string, profile?: string, latest?: VerifyOptions['latest']): SnapshotHeader[] {
  const own = profile === undefined ? headers : headers.filter((h) => h.profile === profile);
  const none = () => {
    const others = [...new Set(headers.map((h) => h.profile))].filter((p) => p !== profile);
    return new UserError({
      code: 'SNAPSHOT_NOT_FOUND',
      title: 'No backups yet',
      message:
        profile === undefined
          ? 'There is no backup in this backup location yet.'
          : `There is no backup of "${profile}" in this backup location yet.${others.length > 0 ? ` The backups there belong to other connections (${others.slice(0, 3).map((p) => `"${p}"`).join(', ')}).` : ''}`,
      hint: 'Make a backup first, then verify it.',
    });
  };
  if (snapshot === 'all') {
    if (own.length === 0 && damaged.length === 0) throw none();
    return own;
  }
  if (snapshot === 'latest') {
    if (latest && own.length > 0) return [latest(headers, damaged)];
    if (own.length === 0) {
      if (damaged.length > 0) return []; // the only restore points are unreadable: reported as problems
      throw none();
    }
    return [own[own.length - 1]];
  }
  const found = headers.find((h) => h.id === snapshot);
  if (found && profile !== undefined && found.profile !== profile) {
    throw new UserError({
      code: 'SNAPSHOT_NOT_FOUND',
      title: 'Restore point of another connection',
      message: `The restore point ${snapshot.slice(0, 8)} was made for "${found.profile}", not for "${profile}".`,
      hint: `Choose one of the restore points of "${profile}", or run this for "${found.profile}".`,
    });
  }
  if (found) return [found];
  if (damaged.includes(snapshot)) return []; // reported as a problem already
  throw snapshotNotFound(snapshot);
}

/**
 * A shared lock for a job that only reads the location (verify, export), so prune waits for it. A full
 * or read-only drive cannot take a lock file: the job still runs (reading needs no space), with the
 * lock of this process only, and the lock says so (`withoutFile`) for the job's result.
 */
export function lockShared(store: BlobStore, ctx: OperationContext, operation = 'verify'): Promise<Lock> {
  return acquire(store, 'shared', { signal: ctx.signal, operation, log: ctx.log, readOnlyJob: true });
}

/**
 * When the history says the newest restore point is not usable (its date was edited, it is missing or
 * unreadable: restore/latest.ts), "latest" has nothing trustworthy to check: that is the finding,
 * reported as a problem, never an older restore point checked in its place.
 */
function latestOrProblem(pick: () => SnapshotHeader[], options: VerifyOptions, problems: ProblemLog): SnapshotHeader[] {
  try {
    return pick();
  } catch (err) {
    if (!(options.latest && options.snapshot === 'latest' && err instanceof UserError && err.code === 'BACKUP_DAMAGED')) throw err;
    problems.add({ snapshotId: null, path: null, blob: null, file: null, code: 'snapshot-damaged', message: err.message.replace(/ Nothing was changed\.$/, '') });
    return [];
  }
}

export async function verifyBackup(ports: VerifyPorts, options: VerifyOptions, ctx: OperationContext): Promise<CoreVerifyResult> {
  const started = Date.now();
  const store = new InspectingStore(ports.store);
  ctx.onProgress({ phase: 'Opening the backup location', unit: 'steps', done: 0, total: null, bytesDone: 0, bytesTotal: null, message: ports.store.describe() });
  const repo = await Repository.open(store, { passphrase: ports.passphrase });
  const lock = await lockShared(ports.store, ctx);
  try {
    const problems = new ProblemLog();
    const { headers, damaged } = await readSnapshotHeaders(repo, problems);
    const targets = latestOrProblem(() => pickTargets(headers, damaged, options.snapshot, options.profile, options.latest), options, problems);
    const index = new BlobIndex();
    // Each source kind's own check (sources/kind.ts) gets its entries of every target.
    const kinds = verifyingKinds({ depth: options.depth, testRestore: options.testRestore ?? false });
    const wanted = new Map<ManifestEntry['kind'], PortKind[]>();
    for (const { kind, check } of kinds) for (const e of check.entries) wanted.set(e, [...(wanted.get(e) ?? []), kind]);
    const points = new Map<PortKind, KindVerifyRun['points']>(kinds.map((k) => [k.kind, []]));
    const metadata: { snapshotId: string; path: string; collection: string; chunks: { id: string; size: number }[] }[] = [];
    let entries = 0;

    for (const [i, header] of targets.entries()) {
      ctx.onProgress({ phase: 'Reading the list of backed-up items', unit: 'restore points', done: i, total: targets.length, message: header.createdAt });
      const own = new Map<PortKind, ManifestEntry[]>(kinds.map((k) => [k.kind, []]));
      for (const { kind } of kinds) points.get(kind)!.push({ header, entries: own.get(kind)! });
      entries += await scanManifest(repo, store, header, index, problems, {
        signal: ctx.signal,
        onEntry: (e) => {
          for (const k of wanted.get(e.kind) ?? []) own.get(k)!.push(e);
          if (e.kind === 'mongo-metadata') {
            metadata.push({ snapshotId: header.id, path: e.path, collection: e.collection, chunks: e.chunks });
          }
        },
      });
    }

    await checkPresence(repo, index, problems, ctx);
    const slice = options.depth !== 'sampled' || !options.slice ? null : typeof options.slice === 'function' ? options.slice(repo.id) : options.slice;
    const include = slice ? (id: string) => inSlice(id, slice) : undefined;
    let totals = { blobsRead: 0, bytesRead: 0, documents: 0 };
    if (options.depth !== 'quick') {
      const plan = planReads(index, include);
      const phase = options.depth === 'full' ? 'Reading and checking all backed-up data' : 'Reading and checking a sample of the data';
      ctx.onProgress({ phase, unit: 'pieces', done: 0, total: plan.blobs, bytesDone: 0, bytesTotal: plan.bytes, message: '' });
      totals = await readBlobs(repo, store, index, {
        signal: ctx.signal,
        concurrency: options.concurrency ?? 8,
        include,
        onBlobRead: options.onBlobRead,
        onProgress: (blobs, bytes) => ctx.onProgress({ done: blobs, bytesDone: bytes }),
      });
      for (const m of metadata) await checkMetadata(repo, index, m, problems);
    }
    await namePaths(repo, store, targets, index, problems, ctx.signal);

    let restored = { collections: 0, documents: 0 };
    const sourceChecks: SourceCheck[] = [];
    const kindPorts: { [K in keyof KindPorts]: KindPorts[K] | null } = { mongodb: ports.mongo ? { client: ports.mongo, database: ports.mongoDatabase } : null };
    for (const { kind, check } of kinds) {
      const port = kind in kindPorts ? kindPorts[kind as keyof KindPorts] : null;
      const part = await check.check(port as never, { repo, points: points.get(kind)!, ctx, problems, hook: options.hook, tmpDir: options.tmpDir });
      sourceChecks.push(...part.checks);
      if (part.restored) restored = part.restored;
    }

    return {
      ok: problems.count === 0,
      snapshotId: options.snapshot === 'all' ? null : (targets[0]?.id ?? (/^[0-9a-f]{32}$/.test(options.snapshot) ? options.snapshot : null)),
      depth: options.depth,
      testRestore: options.testRestore ?? false,
      location: ports.store.describe(),
      repoId: repo.id,
      snapshots: [
        ...targets.map((h) => ({ id: h.id, createdAt: h.createdAt, tags: h.tags, ok: problems.of(h.id) === 0, problems: problems.of(h.id) })),
        ...damaged.filter((id) => options.snapshot === 'all' || options.snapshot === id).map((id) => ({ id, createdAt: '', tags: [], ok: false, problems: problems.of(id) })),
      ],
      checked: {
        snapshots: targets.length,
        entries,
        blobs: index.blobs.size,
        blobsRead: totals.blobsRead,
        bytesRead: totals.bytesRead,
        documents: totals.documents,
        metadataFiles: options.depth === 'quick' ? 0 : metadata.length,
        restoredCollections: restored.collections,
        restoredDocuments: restored.documents,
      },
      slice,
      ...(sourceChecks.length > 0 ? { sourceChecks } : {}),
      ...(lock.withoutFile ? { notes: [withoutFileNote(lock.withoutFile, 'check')] } : {}),
      problems: problems.items,
      problemCount: problems.count,
      durationMs: Date.now() - started,
    };
  } finally {
    await lock.release().catch((err: unknown) => ctx.log('warn', `Could not remove the lock file: ${err instanceof Error ? err.message : String(err)}`));
  }
}

/** One listing of blobs/ (or of the packs and their index): every named blob must be there, with a size its content can have. */
async function checkPresence(repo: Repository, index: BlobIndex, problems: ProblemLog, ctx: OperationContext): Promise<void> {
  let listed = 0;
  if (repo.packed) {
    for (const bad of (await repo.packs()).damagedIndexes) {
      const why = (bad.error.details ?? '').replace(/^[^:]*: /, '') || 'it cannot be read';
      problems.add({ snapshotId: null, path: null, blob: null, file: indexPath(bad.id), code: 'damaged', message: `An index file of the backup location is damaged (${why}): the data it lists cannot be found.` });
    }
  }
  ctx.onProgress({ phase: 'Checking that every piece of data is there', unit: 'files', done: 0, total: null, bytesDone: 0, bytesTotal: null, message: '' });
  for await (const blob of repo.listBlobs()) {
    if (++listed % 1000 === 0) {
      ctx.signal.throwIfAborted();
      ctx.onProgress({ done: listed });
    }
    const info = index.blobs.get(blob.id);
    if (!info || info.state !== BlobState.Unchecked) continue;
    if (plausibleStoredSize(blob.size, info.size, repo.encrypted)) info.state = BlobState.Present;
    else index.markBad(blob.id, { code: 'wrong-size', why: `the file is ${blob.size} bytes, which cannot hold ${info.size} bytes of content` });
  }
  for (const [id, info] of index.blobs) if (info.state === BlobState.Unchecked) index.markBad(id, { code: 'missing', why: 'the file is missing' });
}

async function checkMetadata(repo: Repository, index: BlobIndex, m: { snapshotId: string; path: string; collection: string; chunks: { id: string }[] }, problems: ProblemLog): Promise<void> {
  if (m.chunks.some((c) => index.bad.has(c.id))) return; // reported as a damaged blob
  const data = Buffer.concat(await Promise.all(m.chunks.map((c) => repo.getBlob(c.id))));
  const wrong = metadataProblems(data, m.collection);
  if (wrong.length > 0) {
    problems.add({ snapshotId: m.snapshotId, path: m.path, blob: m.chunks[0]?.id ?? null, file: m.chunks[0] ? repo.blobFile(m.chunks[0].id) : null, code: 'metadata-invalid', message: `${m.path} cannot be used by mongorestore: ${wrong.join('; ')}.` });
  }
}

/** A second, cheap pass over the file lists: every item that uses a damaged blob, by name. */
async function namePaths(repo: Repository, store: InspectingStore, targets: SnapshotHeader[], index: BlobIndex, problems: ProblemLog, signal: AbortSignal): Promise<void> {
  const dataBad = [...index.bad.keys()].filter((id) => index.blobs.get(id)?.state === BlobState.Bad);
  if (dataBad.length === 0) return;
  const bad = new Set(dataBad);
  const quiet = new ProblemLog(); // part problems were reported by the first pass
  for (const header of targets) {
    const named: VerifyProblem[] = [];
    await scanManifest(repo, store, header, new BlobIndex(), quiet, {
      signal,
      onEntry: (entry) => {
        if (!('chunks' in entry)) return;
        entry.chunks.forEach((c, i) => {
          if (!bad.has(c.id)) return;
          const b = index.bad.get(c.id)!;
          const what = entry.chunks.length > 1 ? `Piece ${i + 1} of ${entry.chunks.length} of this item` : 'This item';
          named.push({ snapshotId: header.id, path: entry.path, blob: c.id, file: repo.blobFile(c.id), code: b.code, message: `${what} is damaged: ${b.why}.` });
        });
      },
    });
    named.forEach((p) => problems.add(p));
  }
}
