// A restore drill: get one restore point back into scratch places that touch nothing live, check what
// came back, measure how long each part took, remove the scratch data, and project how long a full
// recovery would take. The database goes into scratch collections of the connection's own database
// (the test restore: byte-for-byte document hashes, indexes); the bucket's objects and the
// configuration folders are written to a scratch folder on this computer, one file at a time, read
// back from disk and checked against the backed-up content (and against the object's own MD5 where
// its ETag is one), then deleted again — so a drill needs little free space however big the bucket.
//
// With a sample, only every n-th object (in key order: spread over the whole bucket) is written, and
// the time of that part is projected from the sample by whichever is larger, its share of the objects
// or of the bytes (small objects cost per object, big ones per byte). A projection says it is one.
import { createHash, randomBytes } from 'node:crypto';
import fsp from 'node:fs/promises';
import path from 'node:path';
import type { MongoClient } from 'mongodb';
import type { OperationContext } from '../../../shared/jobs';
import type { DrillPart, DrillResult } from '../../../shared/api/drill';
import type { ManifestEntry, Repository, SnapshotHeader } from '../repository';
import { isTempCollection } from '../restore/cleanup';
import { classifyBlobError, ProblemLog } from '../verify/problems';
import { testRestore, type MongoParts } from '../verify/test-restore';
import { pickTargets, type VerifyOptions } from '../verify/verify';

export interface DrillPorts {
  repo: Repository;
  /** The connection's MongoDB (null: the drill has no database part). */
  mongo: { client: MongoClient; database: string } | null;
  /** A folder of this connection's own drills; what an interrupted drill left there is removed first. */
  scratchRoot: string;
}

export interface DrillOptions {
  profile: string;
  /** A restore point id, or 'latest' of this connection. */
  snapshot: string;
  latest?: VerifyOptions['latest'];
  /** Percent of the objects and files to write (1–100); 100 writes them all. */
  samplePercent: number;
  hook?: (point: string) => Promise<void>;
}

const PHASES: Record<DrillPart, string> = {
  database: 'Restoring the database into scratch collections',
  files: 'Writing the files into a scratch folder',
  folders: 'Writing the configuration folders into a scratch folder',
};

type FileEntry = Extract<ManifestEntry, { kind: 'r2-object' | 'file' }>;

const seconds = (fromMs: number) => (performance.now() - fromMs) / 1000;

/** An ETag that is the plain MD5 of the content (not a multipart one, which has a "-N" suffix). */
function md5OfEtag(etag: string): string | null {
  const bare = etag.replace(/^W\//, '').replace(/"/g, '');
  return /^[0-9a-f]{32}$/i.test(bare) ? bare.toLowerCase() : null;
}

/** Whether the n-th item (0-based) of a part is in the sample: evenly spread, the first always in. */
export function inSample(n: number, percent: number): boolean {
  if (percent >= 100) return true;
  return Math.floor((n * percent) / 100) !== Math.floor(((n - 1) * percent) / 100) || n === 0;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'; // there, but not ours to signal
  }
}

/**
 * The scratch folders of drills that were killed (kill -9, a crash): named `drill-<pid>-<random>`, a
 * folder whose process is gone is removed; a running drill's (another process's) is left alone.
 * Returns how many were removed.
 */
export async function removeDrillLeftovers(scratchRoot: string): Promise<number> {
  const names = await fsp.readdir(scratchRoot).catch(() => [] as string[]);
  let removed = 0;
  for (const name of names) {
    const m = /^drill-(\d+)-[0-9a-f]+$/.exec(name);
    if (!m || (Number(m[1]) !== process.pid && alive(Number(m[1])))) continue;
    await fsp.rm(path.join(scratchRoot, name), { recursive: true, force: true });
    removed += 1;
  }
  return removed;
}

export async function runDrill(ports: DrillPorts, options: DrillOptions, ctx: OperationContext): Promise<DrillResult> {
  const { repo } = ports;
  const started = performance.now();
  const problems = new ProblemLog();
  ctx.onProgress({ phase: 'Choosing the restore point', unit: 'steps', done: 0, total: null, bytesDone: 0, bytesTotal: null, message: '' });
  const damaged: string[] = [];
  const headers = await repo.listSnapshots({ onDamaged: (id) => damaged.push(id) });
  const [header]: (SnapshotHeader | undefined)[] = pickTargets(headers, damaged, options.snapshot, options.profile, options.latest);
  if (!header) throw new Error(`the restore point ${options.snapshot} cannot be read`); // pickTargets names it otherwise

  // What the restore point holds: the database parts (few entries) and the totals of the rest.
  const parts: MongoParts = { collections: [], metadata: [] };
  const totals: Record<'files' | 'folders', { items: number; bytes: number }> = { files: { items: 0, bytes: 0 }, folders: { items: 0, bytes: 0 } };
  for await (const entry of repo.readManifest(header)) {
    ctx.signal.throwIfAborted();
    if (entry.kind === 'mongo-collection' && !isTempCollection(entry.collection)) parts.collections.push(entry);
    else if (entry.kind === 'mongo-metadata' && !isTempCollection(entry.collection)) parts.metadata.push(entry);
    else if (entry.kind === 'r2-object' || entry.kind === 'file') {
      const total = totals[entry.kind === 'r2-object' ? 'files' : 'folders'];
      total.items += 1;
      total.bytes += entry.size;
    }
  }

  const result: DrillResult = {
    ok: false,
    snapshotId: header.id,
    snapshotCreatedAt: header.createdAt,
    samplePercent: options.samplePercent,
    parts: [],
    measuredSeconds: 0,
    projectedSeconds: 0,
    sampled: false,
    problems: [],
    problemCount: 0,
    notes: [],
  };

  const removed = await removeDrillLeftovers(ports.scratchRoot);
  if (removed > 0) result.notes.push(`Removed the scratch folder of ${removed} earlier drill(s) that did not finish.`);

  // 1. The database, as a restore would write it, into scratch collections (removed afterwards).
  if (parts.collections.length > 0 || parts.metadata.length > 0) {
    if (!ports.mongo) {
      result.notes.push('The restore point holds a database, but this connection has no MongoDB to restore it into: that part was not tried.');
    } else {
      const at = performance.now();
      ctx.onProgress({ phase: PHASES.database, unit: 'documents', done: 0, total: null, message: '' });
      const restored = await testRestore(repo, ports.mongo.client, header.id, parts, problems, ctx, ports.mongo.database, options.hook);
      const bytes = parts.collections.reduce((n, c) => n + c.size, 0);
      const took = seconds(at);
      result.parts.push({ part: 'database', items: restored.documents, bytes, writtenItems: restored.documents, writtenBytes: bytes, seconds: took, projectedSeconds: took });
    }
  }

  // 2. and 3. Objects and folder files, one at a time into a scratch folder, checked, then deleted.
  const scratch = path.join(ports.scratchRoot, `drill-${process.pid}-${randomBytes(6).toString('hex')}`);
  await fsp.mkdir(scratch, { recursive: true, mode: 0o700 });
  try {
    for (const part of ['files', 'folders'] as const) {
      const total = totals[part];
      if (total.items === 0) continue;
      const at = performance.now();
      let n = 0;
      let written = 0;
      let writtenBytes = 0;
      ctx.onProgress({ phase: PHASES[part], unit: part === 'files' ? 'files' : 'items', done: 0, total: Math.ceil((total.items * options.samplePercent) / 100), bytesDone: 0, bytesTotal: null, message: '' });
      for await (const entry of repo.readManifest(header)) {
        ctx.signal.throwIfAborted();
        if (entry.kind !== (part === 'files' ? 'r2-object' : 'file')) continue;
        if (!inSample(n++, options.samplePercent)) continue;
        await writeAndCheck(repo, entry as FileEntry, path.join(scratch, String(written)), header.id, problems);
        written += 1;
        writtenBytes += entry.size;
        ctx.onProgress({ done: written, bytesDone: writtenBytes, message: entry.path });
        await options.hook?.('drill-file-written');
      }
      const took = seconds(at);
      // Time costs per object and per byte: the larger of the two shares is the honest projection.
      const share = Math.min(written / total.items, total.bytes > 0 ? writtenBytes / total.bytes : 1);
      const projected = share > 0 ? took / share : took;
      result.parts.push({ part, items: total.items, bytes: total.bytes, writtenItems: written, writtenBytes, seconds: took, projectedSeconds: projected });
    }
  } finally {
    await fsp.rm(scratch, { recursive: true, force: true });
  }

  result.measuredSeconds = seconds(started);
  const overhead = Math.max(0, result.measuredSeconds - result.parts.reduce((s, p) => s + p.seconds, 0));
  result.projectedSeconds = overhead + result.parts.reduce((s, p) => s + p.projectedSeconds, 0);
  result.sampled = result.parts.some((p) => p.writtenItems < p.items);
  if (result.parts.some((p) => p.part === 'files')) result.notes.push("The files were written to this computer's disk; putting them back into the bucket also takes the upload, which this drill does not measure.");
  result.problems = problems.items;
  result.problemCount = problems.count;
  result.ok = problems.count === 0;
  return result;
}

/** Write one entry's content to `file`, read it back from disk, and compare; the file is removed after. */
async function writeAndCheck(repo: Repository, entry: FileEntry, file: string, snapshotId: string, problems: ProblemLog): Promise<void> {
  const report = (message: string) => problems.add({ snapshotId, path: entry.path, blob: null, file: null, code: 'restore-content-mismatch', message });
  const sha = createHash('sha256');
  const md5 = createHash('md5');
  const handle = await fsp.open(file, 'w', 0o600);
  try {
    for (const chunk of entry.chunks) {
      let data: Buffer;
      try {
        data = await repo.getBlob(chunk.id);
      } catch (err) {
        // Named as verification names it (missing, changed, cannot be decrypted…), so the advice fits.
        const known = classifyBlobError(err, chunk.size, undefined, false);
        problems.add({ snapshotId, path: entry.path, blob: chunk.id, file: null, code: known?.code ?? 'damaged', message: `It could not be read back from the backup: ${known?.why ?? (err instanceof Error ? err.message : String(err))}.` });
        return;
      }
      sha.update(data);
      md5.update(data);
      await handle.write(data);
    }
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    const back = await fsp.readFile(file);
    if (back.length !== entry.size) report(`${back.length} bytes came back from the disk, the backup holds ${entry.size}.`);
    else if (createHash('sha256').update(back).digest('hex') !== sha.digest('hex')) report('What came back from the disk differs from what was written.');
    else if (entry.kind === 'r2-object') {
      const expected = md5OfEtag(entry.etag);
      if (expected && md5.digest('hex') !== expected) report("The restored file does not match the object's own checksum (its ETag) from the day of the backup.");
    }
  } finally {
    await fsp.rm(file, { force: true });
  }
}
