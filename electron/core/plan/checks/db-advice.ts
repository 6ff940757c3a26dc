// Optimisation advice, never a change: indexes nobody uses ($indexStats), collections holding far more
// storage than data (when `compact` would give it back, and what that costs), and a missing index on
// the field PCI File Manager looks files up by.
import type { Document } from 'mongodb';
import { formatBytes, formatDateTime } from '../../../../shared/format';
import type { CheckLevel } from '../../../../shared/api/plan';
import { isTempCollection } from '../../restore/cleanup';
import { plural, result, worstLevel, type PlanCheck } from '../types';
import { isResult, isUnauthorized, num, reachMongo } from './mongo-common';

const MiB = 1024 * 1024;

export const dbAdvice: PlanCheck = {
  id: 'db-advice',
  title: 'Database optimisation advice',
  description: 'Looks for indexes nobody uses, collections whose storage is far larger than their data, and a missing index on the file records. It only gives advice; it never changes the database.',
  frequency: 'monthly',
  route: null,
  async run(ctx) {
    const mongo = await reachMongo(this, ctx, 'not-checked');
    if (isResult(mongo)) return mongo;
    const db = mongo.client.db(mongo.database);
    const unusedDays = ctx.options.unusedIndexDays ?? 7;
    const compactMin = ctx.options.compactMinBytes ?? 64 * MiB;
    const advice: string[] = [];
    const notes: string[] = [];
    const levels: CheckLevel[] = [];
    let unused = 0;
    let reclaimable = 0;
    let indexStatsAllowed = true;
    const infos = await db.listCollections({}, { nameOnly: false }).toArray();
    const names = infos.filter((i) => i.type === 'collection' && !i.name.startsWith('system.') && !isTempCollection(i.name)).map((i) => i.name).sort();
    for (const name of names) {
      ctx.signal.throwIfAborted();
      const coll = db.collection(name);
      const [stats] = await coll.aggregate<{ storageStats?: Document }>([{ $collStats: { storageStats: {} } }]).toArray().catch(() => [] as { storageStats?: Document }[]);
      const s = stats?.storageStats ?? {};
      const size = num(s.size) ?? 0;
      const storage = num(s.storageSize) ?? 0;
      const free = num(s.freeStorageSize) ?? Math.max(0, storage - size);
      const indexSizes = (s.indexSizes ?? {}) as Record<string, unknown>;
      if (free >= compactMin && storage > 2 * size) {
        reclaimable += free;
        levels.push('info');
        advice.push(
          `“${name}” takes ${formatBytes(storage)} on disk for ${formatBytes(size)} of data: about ${formatBytes(free)} is left from deleted documents. MongoDB reuses that space for new documents; ` +
            `to give it back to the drive, run "compact" on this collection in the maintenance window. It rewrites the collection, needs free disk space while it runs and slows or blocks the collection meanwhile (on a replica set, run it on each secondary first).`,
        );
      }
      if (!indexStatsAllowed) continue;
      let rows: Document[];
      try {
        rows = await coll.aggregate([{ $indexStats: {} }]).toArray();
      } catch (err) {
        if (isUnauthorized(err)) {
          indexStatsAllowed = false;
          notes.push('Unused indexes were not checked: the MongoDB user of this connection may not read index statistics (it needs the "clusterMonitor" role).');
          continue;
        }
        throw err;
      }
      for (const r of rows) {
        if (r.name === '_id_') continue;
        const ops = num((r.accesses as Document | undefined)?.ops) ?? 0;
        const since = (r.accesses as Document | undefined)?.since;
        const sinceMs = since instanceof Date ? since.getTime() : Date.parse(String(since));
        if (ops > 0 || !Number.isFinite(sinceMs) || ctx.now() - sinceMs < unusedDays * 86_400_000) continue;
        unused += 1;
        levels.push('info');
        const bytes = num(indexSizes[String(r.name)]);
        advice.push(
          `The index “${r.name}” of “${name}” was not used since ${formatDateTime(new Date(sinceMs).toISOString())}${bytes ? ` (it takes ${formatBytes(bytes)})` : ''}. ` +
            'If PCI File Manager does not need it (ask its makers), removing it saves space and makes writes faster. Usage counts restart when MongoDB restarts, so check again after a longer time first.',
        );
      }
    }
    const fr = ctx.targets.fileRecords;
    let keyIndexed: boolean | null = null;
    if (fr && names.includes(fr.collection)) {
      const indexes = await db.collection(fr.collection).listIndexes().toArray();
      keyIndexed = fr.keyField === '_id' || indexes.some((i) => Object.keys((i.key ?? {}) as Document)[0] === fr.keyField);
      if (!keyIndexed) {
        levels.push('warning');
        advice.unshift(
          `The file records (“${fr.collection}”) have no index on “${fr.keyField}”, the field each file is found by: looking files up and the storage check read every record. ` +
            `Ask the makers of PCI File Manager whether an index on “${fr.keyField}” may be added; building it takes a moment and some disk space.`,
        );
      }
    }
    const measured = { collections: names.length, unusedIndexes: indexStatsAllowed ? unused : null, reclaimableBytes: reclaimable, fileRecordsKeyIndexed: keyIndexed };
    const level = worstLevel(levels);
    const details = [...advice, ...notes];
    if (advice.length === 0) return result(this, ctx, 'ok', `No advice: ${plural(names.length, 'collection')} looked at${indexStatsAllowed ? '' : ' (unused indexes not checked)'}.`, { measured, details: notes });
    return result(this, ctx, level === 'warning' ? 'warning' : 'info', `${plural(advice.length, 'piece', 'pieces')} of advice to make the database faster or smaller (nothing was changed).`, {
      measured,
      details,
      whatToDo: 'Read the advice below. None of it is urgent; do it in the maintenance window, after a backup.',
    });
  },
};
