// The temporary collections of a restore, and the removal of those an interrupted restore left behind.
// Every restore run registers itself in `pcimaint_restore_runs` (host, pid, refreshed every minute)
// BEFORE it creates a temporary collection, and names its temporaries `pcimaint_restore_<run>_<name>`.
// Cleanup drops the temporaries of runs that are no longer alive — a process gone on this host, or a
// record not refreshed for 30 minutes elsewhere, or no record at all — and never those of a live run
// (a restore started from the CLI while the app opens the same profile must not lose its work).
import { createHash, randomBytes } from 'node:crypto';
import os from 'node:os';
import type { Db } from 'mongodb';
import type { LogLevel } from '../../../shared/jobs';
import { STALE_AFTER_MS, pidIsAlive } from '../repository';

export const TEMP_PREFIX = 'pcimaint_restore_';
/** The test restore's scratch collections (verify/test-restore.ts), registered and cleaned the same way. */
export const VERIFY_PREFIX = 'pcimaint_verify_';
export const RUNS_COLLECTION = 'pcimaint_restore_runs';
const TEMP_RE = /^pcimaint_(?:restore|verify)_([0-9a-f]{12})_/;
const REFRESH_MS = 60_000;
/** MongoDB's namespace limit (`db.collection`) is 255 bytes; keep a margin. */
const MAX_NAMESPACE = 240;

interface RunRecord {
  _id: string;
  host: string;
  pid: number;
  profile: string;
  startedAt: Date;
  refreshedAt: Date;
}

export interface LivenessOptions {
  hostname?: string;
  isPidAlive?: (pid: number) => boolean;
  now?: () => Date;
  staleAfterMs?: number;
}

export function newRunId(): string {
  return randomBytes(6).toString('hex');
}

export function isTempCollection(name: string): boolean {
  return TEMP_RE.test(name) || name === RUNS_COLLECTION;
}

/** The temporary collection of `collection` for run `runId`; a name too long for MongoDB gets a hashed stand-in. */
export function tempName(database: string, runId: string, collection: string, prefix = TEMP_PREFIX): string {
  const name = `${prefix}${runId}_${collection}`;
  if (Buffer.byteLength(`${database}.${name}`, 'utf8') <= MAX_NAMESPACE) return name;
  return `${prefix}${runId}_h${createHash('sha256').update(collection).digest('hex').slice(0, 24)}`;
}

/** A running restore's registration: refreshed while it lives, removed by `end`. */
export class RestoreRun {
  private timer: ReturnType<typeof setInterval> | null = null;

  private constructor(
    private readonly db: Db,
    readonly id: string,
  ) {}

  static async begin(db: Db, profile: string, options: LivenessOptions = {}): Promise<RestoreRun> {
    const now = options.now?.() ?? new Date();
    const run = new RestoreRun(db, newRunId());
    const record: RunRecord = { _id: run.id, host: options.hostname ?? os.hostname(), pid: process.pid, profile, startedAt: now, refreshedAt: now };
    await db.collection<RunRecord>(RUNS_COLLECTION).insertOne(record);
    run.timer = setInterval(() => {
      void db
        .collection<RunRecord>(RUNS_COLLECTION)
        .updateOne({ _id: run.id }, { $set: { refreshedAt: new Date() } })
        .catch(() => undefined); // a missed refresh only matters after 30 minutes of them
    }, REFRESH_MS);
    run.timer.unref();
    return run;
  }

  /** Forget the run (its temporaries must be gone by now); drops the runs collection when it is empty. */
  async end(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    const runs = this.db.collection<RunRecord>(RUNS_COLLECTION);
    await runs.deleteOne({ _id: this.id });
    await dropRunsIfEmpty(this.db);
  }
}

async function dropRunsIfEmpty(db: Db): Promise<void> {
  if ((await db.collection(RUNS_COLLECTION).countDocuments({})) === 0) {
    await db
      .collection(RUNS_COLLECTION)
      .drop()
      .catch(() => undefined); // dropped meanwhile, or never created
  }
}

/**
 * Drop the temporary collections of restores that are no longer running. Returns the dropped names.
 * Called before every restore (and its preview) and available as a maintenance action.
 */
export async function cleanupLeftovers(db: Db, options: LivenessOptions & { log?: (level: LogLevel, message: string) => void } = {}): Promise<string[]> {
  const names = (await db.listCollections({}, { nameOnly: true }).toArray()).map((c) => String(c.name));
  const temps = names.filter((n) => TEMP_RE.test(n));
  if (temps.length === 0 && !names.includes(RUNS_COLLECTION)) return [];
  const host = options.hostname ?? os.hostname();
  const alive = options.isPidAlive ?? pidIsAlive;
  const now = (options.now?.() ?? new Date()).getTime();
  const stale = options.staleAfterMs ?? STALE_AFTER_MS;
  const records = names.includes(RUNS_COLLECTION) ? await db.collection<RunRecord>(RUNS_COLLECTION).find({}).toArray() : [];
  const live = new Set(
    records
      .filter((r) => {
        const fresh = now - new Date(r.refreshedAt).getTime() < stale;
        return r.host === host ? alive(r.pid) && fresh : fresh;
      })
      .map((r) => r._id),
  );
  const dropped: string[] = [];
  for (const name of temps) {
    const runId = TEMP_RE.exec(name)![1];
    if (live.has(runId)) continue;
    await db
      .collection(name)
      .drop()
      .catch((err: unknown) => {
        if ((err as { code?: number }).code !== 26) throw err; // 26: already gone
      });
    dropped.push(name);
    options.log?.('info', `Removed the temporary collection ${name}, left by an interrupted restore.`);
  }
  const dead = records.filter((r) => !live.has(r._id)).map((r) => r._id);
  if (dead.length > 0) await db.collection<RunRecord>(RUNS_COLLECTION).deleteMany({ _id: { $in: dead } });
  if (names.includes(RUNS_COLLECTION)) await dropRunsIfEmpty(db);
  return dropped;
}

/** Drop this run's own temporaries (after a failure or a cancel). */
export async function dropTemps(db: Db, names: Iterable<string>, log?: (level: LogLevel, message: string) => void): Promise<void> {
  for (const name of names) {
    try {
      await db.collection(name).drop();
    } catch (err) {
      if ((err as { code?: number }).code === 26) continue;
      log?.('warn', `Could not remove the temporary collection ${name} (${err instanceof Error ? err.message : String(err)}); it is removed at the next restore.`);
    }
  }
}
