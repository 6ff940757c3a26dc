// Before anything changes: every piece of the restore point the plan needs is read and checked
// (decrypted, decompressed, hash compared with its id). A damaged or missing piece stops the restore
// here, with the database, the bucket and the folders exactly as they were. So does a document that
// this restore could not write back byte for byte (exact-bson.ts): found while its piece is read
// anyway, before the safety backup is made.
import { RESTORE_PHASES, type RestorePlan } from '../../../shared/api/restore';
import { UserError } from '../../../shared/errors';
import type { OperationContext } from '../../../shared/jobs';
import type { Repository } from '../repository';
import { forEachLimit } from '../repository/blob-store';
import { splitDocuments } from '../verify/bson-check';
import { decodeExact, inexactError, InexactTally, type InexactCollection } from './exact-bson';
import { relativeOf } from './folders-restore';
import type { SnapshotIndex } from './snapshot-index';
import { kindModule } from '../sources/kind';

export const CHECK_PHASE = RESTORE_PHASES.check;

/** Every blob the plan will read, with its size (the same set the plan counted). */
export function neededBlobs(plan: RestorePlan, index: SnapshotIndex): Map<string, number> {
  const blobs = new Map<string, number>();
  const need = (chunks: { id: string; size: number }[] | undefined) => chunks?.forEach((c) => blobs.set(c.id, c.size));
  for (const c of plan.database?.collections ?? []) {
    if (c.action === 'skip') continue;
    need(index.collections.get(c.name)?.chunks);
    need(index.metadata.get(c.name)?.chunks);
  }
  for (const p of plan.bucket?.put.items ?? []) need(index.objects.get(p.key)?.chunks);
  for (const f of plan.folders?.items ?? []) {
    if (!f.target) continue;
    const refused = new Set(f.refused.map((r) => r.path));
    for (const e of index.folders.get(f.name) ?? []) if (e.kind === 'file' && !refused.has(relativeOf(e.path))) need(e.chunks);
  }
  for (const [id, size] of sourceBlobs(plan.sources, index)) blobs.set(id, size);
  return blobs;
}

/** The plan's sources restored by their kind that have a place to go (the others are left out, with a warning in the plan). */
export function plannedSources(sources: RestorePlan['sources']): NonNullable<RestorePlan['sources']> {
  return (sources ?? []).filter((s) => s.target !== null);
}

/** The blobs the plan's sources restored by their kind read. */
export function sourceBlobs(sources: RestorePlan['sources'], index: SnapshotIndex): Map<string, number> {
  const blobs = new Map<string, number>();
  for (const s of plannedSources(sources)) for (const c of kindModule(s.kind)?.chunks?.(s, index) ?? []) blobs.set(c.id, c.size);
  return blobs;
}

function tallyChunk(data: Buffer, names: string[], tally: InexactTally): void {
  for (const raw of splitDocuments(data)) {
    const decoded = decodeExact(raw);
    if (!decoded.ok) for (const name of names) tally.add(name, decoded.kinds);
  }
}

/** For the preview: the collections among `names` holding documents a restore would refuse. */
export async function inexactCollections(repo: Repository, index: SnapshotIndex, names: string[], signal: AbortSignal): Promise<InexactCollection[]> {
  const tally = new InexactTally();
  for (const name of names) {
    for (const chunk of index.collections.get(name)?.chunks ?? []) {
      signal.throwIfAborted();
      tallyChunk(await repo.getBlob(chunk.id), [name], tally);
    }
  }
  return tally.collections;
}

/** The collections (usually one) each database piece of the plan belongs to. */
function collectionPieces(plan: RestorePlan, index: SnapshotIndex): Map<string, string[]> {
  const pieces = new Map<string, string[]>();
  for (const c of plan.database?.collections ?? []) {
    if (c.action === 'skip') continue;
    for (const chunk of index.collections.get(c.name)?.chunks ?? []) pieces.set(chunk.id, [...(pieces.get(chunk.id) ?? []), c.name]);
  }
  return pieces;
}

/** Every needed piece read back intact, and every document to restore one that can be written back exactly. */
export async function checkRestorePoint(repo: Repository, plan: RestorePlan, index: SnapshotIndex, ctx: OperationContext): Promise<void> {
  const pieces = collectionPieces(plan, index);
  const inexact = new InexactTally();
  await checkBlobs(repo, neededBlobs(plan, index), ctx, (id, data) => {
    const names = pieces.get(id);
    if (names) tallyChunk(data, names, inexact);
  });
  if (inexact.collections.length > 0) throw inexactError(inexact.collections);
}

export async function checkBlobs(repo: Repository, blobs: Map<string, number>, ctx: OperationContext, onRead?: (id: string, data: Buffer) => void): Promise<void> {
  const total = blobs.size;
  const bytesTotal = [...blobs.values()].reduce((a, b) => a + b, 0);
  let done = 0;
  let bytesDone = 0;
  ctx.onProgress({ phase: CHECK_PHASE, unit: 'parts', done, total, bytesDone, bytesTotal, message: 'Nothing is changed until every part has been read and checked, and every document shown to go back exactly.' });
  try {
    await forEachLimit(blobs, 4, async ([id, size]) => {
      ctx.signal.throwIfAborted();
      const data = await repo.getBlob(id);
      onRead?.(id, data);
      done += 1;
      bytesDone += size;
      ctx.onProgress({ done, bytesDone });
    });
  } catch (err) {
    if (ctx.signal.aborted) throw ctx.signal.reason;
    if (err instanceof UserError && err.code === 'BACKUP_DAMAGED') {
      throw new UserError(
        {
          code: 'BACKUP_DAMAGED',
          title: 'Restore point damaged',
          message: 'Part of this restore point is damaged or missing, so nothing was restored. Your data is exactly as it was.',
          hint: 'Choose an earlier restore point, and run "Verify" to see which restore points are affected.',
          details: err.details,
        },
        { cause: err },
      );
    }
    throw err;
  }
}
