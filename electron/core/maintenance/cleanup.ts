// Clean-ups that reach outside the data folder, each by the module that owns the thing it removes:
// stale locks in backup locations (the repository's lock module judges them: a lock whose process is
// gone on this computer, or one not refreshed for 30 minutes), temporary collections left by an
// interrupted restore (restore's own cleanup, which spares live restores), and old history.
import { mongoSource } from '../../../shared/profile';
import type { LogLevel } from '../../../shared/jobs';
import { toUserErrorData, UserError } from '../../../shared/errors';
import type { Services } from '../services';
import { acquire, CONFIG_PATH, removeTempLeftovers } from '../repository';
import { cleanupLeftovers } from '../restore/cleanup';
import { openProfile } from '../profiles/open';

type Log = (level: LogLevel, message: string) => void;

export interface PerProfile {
  profile: string;
  ok: boolean;
  /** What happened there, in one short phrase. */
  note: string;
  count: number;
}

function failed(profile: string, err: unknown): PerProfile {
  const data = toUserErrorData(err);
  return { profile, ok: false, count: 0, note: `${data.message} ${data.hint}` };
}

/**
 * Stale locks: taking a shared lock makes the lock module remove every stale one it finds; ours is
 * released at once. A location that another job holds exclusively right now is left alone.
 */
export async function cleanStaleLocks(engine: Services, log: Log, signal?: AbortSignal): Promise<PerProfile[]> {
  const out: PerProfile[] = [];
  for (const profile of engine.profiles.list()) {
    signal?.throwIfAborted();
    let removed = 0;
    try {
      const opened = await openProfile(engine, profile, { location: true });
      const { location } = opened;
      try {
        if (!(await location.store.exists(CONFIG_PATH))) {
          out.push({ profile: profile.name, ok: true, count: 0, note: 'no backups there yet' });
          continue;
        }
        const lock = await acquire(location.store, 'shared', {
          operation: 'maintenance',
          refreshIntervalMs: 0,
          readOnlyJob: true, // stale lock files can still be removed from a full drive
          signal,
          log: (level, message) => {
            if (message.startsWith('Removing')) removed += 1;
            log(level, `${profile.name}: ${message}`);
          },
        });
        await lock.release();
        out.push({ profile: profile.name, ok: true, count: removed, note: removed ? `removed ${removed} stale lock${removed === 1 ? '' : 's'}` : 'no stale locks' });
      } finally {
        await opened.close();
      }
    } catch (err) {
      if (err instanceof UserError && err.code === 'BUSY') {
        const note = 'in use by another job right now; checked again next time';
        out.push({ profile: profile.name, ok: true, count: removed, note: removed ? `removed ${removed} stale lock${removed === 1 ? '' : 's'}; ${note}` : note });
      }
      else out.push(failed(profile.name, err));
    }
  }
  return out;
}

/**
 * Temporary files that interrupted writes left in each backup location (folders only). Under a shared
 * lock, only those older than the safe age and older than every other live lock holder go, so a
 * backup writing right now (here or on another computer) keeps its files.
 */
export async function cleanLocationTemps(engine: Services, log: Log, signal?: AbortSignal): Promise<(PerProfile & { bytes: number })[]> {
  const out: (PerProfile & { bytes: number })[] = [];
  for (const profile of engine.profiles.list()) {
    signal?.throwIfAborted();
    try {
      const opened = await openProfile(engine, profile, { location: true });
      const { location } = opened;
      try {
        if (!location.store.listTemps || !(await location.store.exists(CONFIG_PATH))) {
          out.push({ profile: profile.name, ok: true, count: 0, bytes: 0, note: 'nothing left over' });
          continue;
        }
        const lock = await acquire(location.store, 'shared', { operation: 'maintenance', refreshIntervalMs: 0, signal, readOnlyJob: true, log: (level, m) => log(level, `${profile.name}: ${m}`) });
        try {
          const r = await removeTempLeftovers(location.store, lock, { signal, log: (level, m) => log(level, `${profile.name}: ${m}`) });
          out.push({ profile: profile.name, ok: true, count: r.removed, bytes: r.bytes, note: r.removed ? `removed ${r.removed} unfinished file${r.removed === 1 ? '' : 's'}` : 'nothing left over' });
        } finally {
          await lock.release();
        }
      } finally {
        await opened.close();
      }
    } catch (err) {
      if (err instanceof UserError && err.code === 'BUSY') out.push({ profile: profile.name, ok: true, count: 0, bytes: 0, note: 'in use by another job right now; checked again next time' });
      else out.push({ ...failed(profile.name, err), bytes: 0 });
    }
  }
  return out;
}

/** Temporary collections of restores that are no longer running, per connection. */
export async function cleanRestoreLeftovers(engine: Services, log: Log, signal?: AbortSignal): Promise<PerProfile[]> {
  const out: PerProfile[] = [];
  // Restore leftovers are temporary collections: a connection without a MongoDB database has none.
  for (const profile of engine.profiles.list().filter((p) => mongoSource(p) !== undefined)) {
    signal?.throwIfAborted();
    try {
      const opened = await openProfile(engine, profile, { mongo: true });
      const { mongo } = opened;
      try {
        const dropped = await cleanupLeftovers(mongo.client.db(mongo.database), { log });
        out.push({ profile: profile.name, ok: true, count: dropped.length, note: dropped.length ? `removed ${dropped.length} temporary collection${dropped.length === 1 ? '' : 's'}` : 'nothing left over' });
      } finally {
        await opened.close();
      }
    } catch (err) {
      out.push(failed(profile.name, err));
    }
  }
  return out;
}

/** Delete finished operations (and their logs) older than `days`, then compact the file. */
export function pruneHistory(engine: Services, days: number, now = Date.now()): { deleted: number; vacuumed: boolean } {
  const cutoff = new Date(now - days * 86_400_000).toISOString();
  const db = engine.historyDb;
  const deleted = db.transaction(() => {
    // operation_logs rows go with their operation (ON DELETE CASCADE).
    const info = db
      .prepare(`DELETE FROM operations WHERE status IN ('succeeded', 'problems', 'failed', 'canceled') AND COALESCE(finished_at, started_at) < ?`)
      .run(cutoff);
    db.prepare(`DELETE FROM maintenance_runs WHERE at < ?`).run(cutoff);
    return info.changes;
  })();
  // VACUUM rewrites the file: only worth it when something went.
  if (deleted > 0) db.exec('VACUUM');
  return { deleted, vacuumed: deleted > 0 };
}
