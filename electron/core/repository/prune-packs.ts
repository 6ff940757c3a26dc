// The sweep of prune in a packed location (docs/backup-format.md §9): a pack none of whose blobs is
// still used is deleted; a pack mostly unused is repacked (its used blobs copied, checked, into new
// packs) and then deleted. Order, so that a crash at any point loses nothing: new packs and their
// index durable → a new index for the packs that stay → the old index files removed → the packs removed.
import type { LogLevel, OperationContext } from '../../../shared/jobs';
import { forEachLimit } from './blob-store';
import { isMissing } from './errors';
import { indexPath, packPath, type PackIndex, type PackRecord, type PackedBlob } from './packs';
import type { Repository } from './repository';

/** Repack a pack when less than this share of its bytes is still used. */
export const REPACK_BELOW = 0.5;
/** Without anything to remove, the index files are merged into new ones once there are more than this. */
const MERGE_INDEX_ABOVE = 8;
const DELETE_PARALLELISM = 8;

export interface PackPlan {
  /** Packs with no used blob, or no blob any index names (left by an interrupted backup). */
  remove: { id: string; size: number; unusedBlobs: number }[];
  repack: { id: string; size: number; used: PackedBlob[]; unusedBlobs: number }[];
  keep: PackRecord[];
  keptBlobs: number;
}

/** Which packs go, which are repacked, which stay — from the index alone (nothing is read or changed). */
export function planPacks(index: PackIndex, marked: Set<string>): PackPlan {
  const byPack = new Map<string, PackedBlob[]>();
  for (const b of index.entries()) {
    let list = byPack.get(b.pack);
    if (!list) byPack.set(b.pack, (list = []));
    list.push({ id: b.id, offset: b.offset, length: b.length, size: b.size });
  }
  const plan: PackPlan = { remove: [], repack: [], keep: [], keptBlobs: 0 };
  // An unreadable index file may name packs: then no pack counts as unnamed.
  const trustUnnamed = index.damagedIndexes.length === 0;
  for (const [id, size] of index.packSizes) {
    const blobs = byPack.get(id) ?? [];
    if (blobs.length === 0 && index.indexedPacks.has(id) === false && !trustUnnamed) {
      plan.keep.push({ id, blobs });
      continue;
    }
    const used = blobs.filter((b) => marked.has(b.id));
    const usedBytes = used.reduce((n, b) => n + b.length, 0);
    if (used.length === 0) plan.remove.push({ id, size, unusedBlobs: blobs.length });
    else if (usedBytes < size * REPACK_BELOW) plan.repack.push({ id, size, used, unusedBlobs: blobs.length - used.length });
    else {
      plan.keep.push({ id, blobs });
      plan.keptBlobs += blobs.length;
    }
  }
  for (const r of plan.repack) plan.keptBlobs += r.used.length;
  return plan;
}

export interface PackSweepResult {
  deleteBlobs: number;
  keptBlobs: number;
  freedBytes: number;
  removedPacks: number;
  repackedPacks: number;
  /** Set when canceled part-way (what was done is consistent). */
  stopped: boolean;
}

export interface PackSweepOptions {
  dryRun: boolean;
  ctx: OperationContext;
}

/** Prune's sweep for a packed location, under an exclusive lock (nobody else writes). */
export async function sweepPacks(repo: Repository, marked: Set<string>, options: PackSweepOptions): Promise<PackSweepResult> {
  const { ctx } = options;
  repo.invalidateBlobCache();
  const index = await repo.packs();
  const plan = planPacks(index, marked);
  const result: PackSweepResult = { deleteBlobs: 0, keptBlobs: plan.keptBlobs, freedBytes: 0, removedPacks: 0, repackedPacks: 0, stopped: false };
  const unused = plan.remove.reduce((n, p) => n + p.unusedBlobs, 0) + plan.repack.reduce((n, p) => n + p.unusedBlobs, 0);
  const changes = plan.remove.length + plan.repack.length;
  if (options.dryRun) {
    result.deleteBlobs = unused;
    result.freedBytes = plan.remove.reduce((n, p) => n + p.size, 0) + plan.repack.reduce((n, p) => n + p.size - p.used.reduce((m, b) => m + b.length, 0), 0);
    result.removedPacks = plan.remove.length;
    result.repackedPacks = plan.repack.length;
    return result;
  }
  if (changes === 0 && index.indexFiles.length <= MERGE_INDEX_ABOVE) return result;

  // 1. Copy the used blobs of mostly-unused packs into new packs (each blob checked first: damage is
  //    never copied; such a pack stays as it is). The writer also writes an index for the new packs.
  ctx.onProgress({ phase: 'Removing unused data', done: 0, total: null, unit: 'files', bytesDone: 0, message: '' });
  const writer = repo.newPackWriter(() => undefined);
  const repacked: typeof plan.repack = [];
  let newBytes = 0;
  for (const pack of plan.repack) {
    if (ctx.signal.aborted) return { ...result, stopped: true };
    const copied = await copyUsed(repo, pack, ctx.log);
    if (!copied) {
      plan.keep.push({ id: pack.id, blobs: pack.used });
      continue;
    }
    for (const c of copied) {
      await writer.add(c.id, c.encoded, c.size);
      newBytes += c.encoded.length;
    }
    repacked.push(pack);
  }
  await writer.flush();
  if (ctx.signal.aborted) return { ...result, stopped: true };

  // 2. One index for every pack that stays, then 3. the old index files go (never an unreadable one:
  //    it may name packs no other file names).
  await repo.writeIndexFiles(plan.keep.filter((p) => p.blobs.length > 0));
  await forEachLimit(index.indexFiles, DELETE_PARALLELISM, (id) => repo.store.delete(indexPath(id)));

  // 4. Now no index names them: remove the packs.
  const doomed = [...plan.remove.map((p) => ({ id: p.id, size: p.size, unusedBlobs: p.unusedBlobs })), ...repacked];
  await forEachLimit(doomed, DELETE_PARALLELISM, async (pack) => {
    await repo.store.delete(packPath(pack.id));
    result.deleteBlobs += pack.unusedBlobs;
    result.freedBytes += pack.size;
    ctx.onProgress({ phase: 'Removing unused data', done: result.deleteBlobs, total: null, unit: 'files', bytesDone: result.freedBytes, message: '' });
  });
  result.freedBytes = Math.max(0, result.freedBytes - newBytes);
  result.removedPacks = plan.remove.length;
  result.repackedPacks = repacked.length;
  repo.invalidateBlobCache();
  return result;
}

/** The used blobs of one pack, each checked against its id; null when one of them is damaged (or the pack is gone). */
async function copyUsed(repo: Repository, pack: { id: string; used: PackedBlob[] }, log: (level: LogLevel, message: string) => void): Promise<{ id: string; encoded: Buffer; size: number }[] | null> {
  const path = packPath(pack.id);
  let data: Buffer;
  try {
    data = await repo.store.get(path);
  } catch (err) {
    if (isMissing(err)) return null;
    throw err;
  }
  const out: { id: string; encoded: Buffer; size: number }[] = [];
  for (const b of pack.used) {
    const encoded = data.subarray(b.offset, b.offset + b.length);
    try {
      await repo.checkEncoded(encoded, b.id, path);
    } catch (_err) {
      log('warn', `${path} holds a damaged piece of data; the file is kept as it is (run "Check backup" to see what it affects).`);
      return null;
    }
    out.push({ id: b.id, encoded: Buffer.from(encoded), size: b.size });
  }
  return out;
}

/** A full drive (prune.ts makeRoom): the packs that can go without writing anything, one at a time. */
export async function* removablePacks(repo: Repository, marked: Set<string>): AsyncGenerator<{ path: string; size: number; blobs: number }> {
  repo.invalidateBlobCache();
  const plan = planPacks(await repo.packs(), marked);
  for (const p of plan.remove) yield { path: packPath(p.id), size: p.size, blobs: p.unusedBlobs };
}
