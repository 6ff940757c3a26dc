// TTL monitor of the TEST DOUBLE: as mongod's, it wakes every `ttlMonitorSleepSecs` (60 s by default,
// settable at startup and, on current servers, at runtime: jstests/noPassthrough/ttl_monitor_sleep_secs)
// and deletes the documents of every TTL index that are past their time. What it relies on (manual,
// "TTL Indexes"):
// - only single-field indexes with `expireAfterSeconds` expire documents (compound ones ignore it);
// - a document expires when its indexed field is a date, or an array holding dates (the earliest
//   one counts), older than now − expireAfterSeconds; any other value never expires;
// - a partial TTL index only deletes the documents its partialFilterExpression matches;
// - `ttlMonitorEnabled: false` stops the deletes.
import { Query } from 'mingo';
import type { ServerParameters } from './history';
import { normalizeDoc, pathLeaves } from './values';
import type { Collection, IndexSpec, Storage, StoredDoc } from './storage';

/** When `doc` expires under `spec`, or null if it never does. */
export function expiresAt(doc: StoredDoc, spec: IndexSpec): number | null {
  const fields = Object.keys(spec.key);
  if (fields.length !== 1) return null;
  const dates = pathLeaves(doc.fid, fields[0]).filter((v): v is Date => v instanceof Date);
  if (dates.length === 0) return null;
  const seconds = Number(spec.expireAfterSeconds);
  return Math.min(...dates.map((d) => d.getTime())) + seconds * 1000;
}

function ttlIndexes(coll: Collection): IndexSpec[] {
  return coll.indexes.filter((i) => i.expireAfterSeconds !== undefined && Number.isFinite(Number(i.expireAfterSeconds)) && Object.keys(i.key).length === 1);
}

/** One pass over every collection, as the monitor makes it; returns how many documents it deleted. */
export function ttlPass(storage: Storage, now = Date.now()): number {
  let deleted = 0;
  for (const db of storage.dbs.values()) {
    for (const coll of db.collections.values()) {
      for (const spec of ttlIndexes(coll)) {
        const partial = spec.partialFilterExpression ? new Query(normalizeDoc(spec.partialFilterExpression), {}) : null;
        for (const doc of [...coll.docs.values()]) {
          const at = expiresAt(doc, spec);
          if (at === null || at >= now || (partial && !partial.test(doc.norm))) continue;
          coll.delete(doc);
          deleted += 1;
        }
      }
    }
  }
  return deleted;
}

export class TtlMonitor {
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly storage: Storage,
    private readonly params: ServerParameters,
    /** serverStatus.metrics.ttl, as mongod reports it. */
    private readonly stats: { passes: number; deletedDocuments: number },
  ) {
    params.onTtlChange = () => this.schedule();
  }

  start(): void {
    this.schedule();
  }

  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.params.onTtlChange = undefined;
  }

  private schedule(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      if (this.params.ttlMonitorEnabled) {
        this.stats.deletedDocuments += ttlPass(this.storage);
        this.stats.passes += 1;
      }
      this.schedule();
    }, this.params.ttlMonitorSleepSecs * 1000);
    this.timer.unref();
  }
}
