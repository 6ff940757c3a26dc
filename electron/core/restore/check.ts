// Before anything changes: every piece of the restore point the plan needs is read and checked
// (decrypted, decompressed, hash compared with its id). A damaged or missing piece stops the restore
// here, with the database, the bucket and the folders exactly as they were.
import { RESTORE_PHASES, type RestorePlan } from '../../../shared/api/restore';
import { UserError } from '../../../shared/errors';
import type { OperationContext } from '../../../shared/jobs';
import type { Repository } from '../repository';
import { forEachLimit } from '../repository/blob-store';
import { relativeOf } from './folders-restore';
import type { SnapshotIndex } from './snapshot-index';

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
  return blobs;
}

export async function checkBlobs(repo: Repository, blobs: Map<string, number>, ctx: OperationContext): Promise<void> {
  const total = blobs.size;
  const bytesTotal = [...blobs.values()].reduce((a, b) => a + b, 0);
  let done = 0;
  let bytesDone = 0;
  ctx.onProgress({ phase: CHECK_PHASE, unit: 'parts', done, total, bytesDone, bytesTotal, message: 'Nothing is changed until every part has been read and checked.' });
  try {
    await forEachLimit(blobs, 4, async ([id, size]) => {
      ctx.signal.throwIfAborted();
      await repo.getBlob(id);
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
