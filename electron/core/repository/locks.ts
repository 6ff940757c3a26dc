// Locks on a backup location (docs/backup-format.md §8): lock files other processes and machines
// can see, plus an in-process table so two jobs of this app conflict before any file is written.
import os from 'node:os';
import { randomBytes } from 'node:crypto';
import type { LogLevel } from '../../../shared/jobs';
import { UserError } from '../../../shared/errors';
import type { BlobStore } from './blob-store';
import { busy, isMissing } from './errors';
import { LockFile } from './schemas';

export type LockKind = 'shared' | 'exclusive';

export const STALE_AFTER_MS = 30 * 60 * 1000;
export const REFRESH_EVERY_MS = 5 * 60 * 1000;

export interface AcquireOptions {
  signal?: AbortSignal;
  /** What the lock is for, shown to whoever finds the location busy ("backup", "prune"). */
  operation?: string;
  /**
   * Operations whose live locks conflict with this one even when both are shared: a backup names
   * "backup", so two backups never write to one location at once (verify may still run alongside).
   */
  conflictsWith?: string[];
  log?: (level: LogLevel, message: string) => void;
  /** Injectable for tests; the defaults are this machine, this process and the clock. */
  hostname?: string;
  pid?: number;
  now?: () => Date;
  isPidAlive?: (pid: number) => boolean;
  staleAfterMs?: number;
  /** 0 turns automatic refreshing off. */
  refreshIntervalMs?: number;
  /**
   * For jobs that only read the location (restore from it, verify, export, a prune dry run): when the
   * lock file cannot be written because the drive is full or read-only, go on without one. The lock in
   * this process still applies, and live lock files of others are still respected; the returned lock
   * says why it has no file (`withoutFile`), so the job can say so in plain words.
   */
  readOnlyJob?: boolean;
}

/** Why a lock has no file in the location: the drive is full, or it cannot be written (read-only). */
export type NoLockFileReason = 'full' | 'read-only';

export interface Lock {
  readonly id: string;
  readonly kind: LockKind;
  readonly path: string;
  /** Set when an automatic refresh found the lock file gone or could not rewrite it. */
  readonly lost: UserError | null;
  /** Set when the job runs without a lock file (see `readOnlyJob`): only this process knows it is in use. */
  readonly withoutFile: NoLockFileReason | null;
  refresh(): Promise<void>;
  /** Only on a lock without a file: try to write the file now; the returned lock replaces this one. */
  tryPlaceFile?(): Promise<Lock | null>;
  release(): Promise<void>;
}

/** Holders per location in this process. The key is the location as the store describes it. */
const inProcess = new Map<string, { exclusive: boolean; shared: number }>();

function locationKey(store: BlobStore): string {
  return `${store.kind}:${store.describe()}`;
}

export function pidIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0); // signal 0 only checks existence
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'; // exists, owned by someone else
  }
}

const conflicts = (wanted: LockKind, held: LockKind) => wanted === 'exclusive' || held === 'exclusive';
const isOlder = (a: LockFile, b: LockFile) => a.createdAt < b.createdAt || (a.createdAt === b.createdAt && a.id < b.id);
const describeHolder = (l: LockFile) => `${l.kind} lock for ${l.operation ?? 'a job'} on ${l.host} (pid ${l.pid}) since ${l.createdAt}, refreshed ${l.refreshedAt}`;

function reserve(key: string, kind: LockKind): void {
  const held = inProcess.get(key) ?? { exclusive: false, shared: 0 };
  if (held.exclusive || (kind === 'exclusive' && held.shared > 0)) throw busy(`another job in this app holds a lock on ${key}`);
  if (kind === 'exclusive') held.exclusive = true;
  else held.shared += 1;
  inProcess.set(key, held);
}

function unreserve(key: string, kind: LockKind): void {
  const held = inProcess.get(key);
  if (!held) return;
  if (kind === 'exclusive') held.exclusive = false;
  else held.shared = Math.max(0, held.shared - 1);
  if (!held.exclusive && held.shared === 0) inProcess.delete(key);
}

interface Ctx {
  host: string;
  now: () => Date;
  alive: (pid: number) => boolean;
  staleAfterMs: number;
  log: (level: LogLevel, message: string) => void;
}

/** Live lock files; stale and unreadable ones are deleted on the way (anyone may remove them). */
async function liveLocks(store: BlobStore, ctx: Ctx, skipId?: string): Promise<LockFile[]> {
  const out: LockFile[] = [];
  for await (const obj of store.list('locks/')) {
    if (!/^locks\/[0-9a-f]{32}\.json$/.test(obj.path) || obj.path === `locks/${skipId}.json`) continue;
    let lock: LockFile | null = null;
    try {
      const parsed = LockFile.safeParse(JSON.parse((await store.get(obj.path)).toString('utf8')));
      if (parsed.success) lock = parsed.data;
    } catch (err) {
      if (isMissing(err)) continue; // released meanwhile
      if (!(err instanceof SyntaxError)) throw err;
    }
    const age = lock ? ctx.now().getTime() - Date.parse(lock.refreshedAt) : Infinity;
    const deadHere = lock !== null && lock.host === ctx.host && !ctx.alive(lock.pid);
    if (lock && age <= ctx.staleAfterMs && !deadHere) {
      out.push(lock);
      continue;
    }
    const what = lock ? `stale lock: ${describeHolder(lock)}` : `unreadable lock file ${obj.path}`;
    try {
      await store.delete(obj.path);
    } catch (err) {
      // A read-only drive keeps its stale locks; they still do not count, so reading can go on.
      if (noFileReason(err) === null) throw err;
      ctx.log('warn', `Could not remove the ${what} (the backup location cannot be written)`);
      continue;
    }
    ctx.log('info', `Removing ${what}`);
  }
  return out;
}

/** The reason a write into the location failed for want of space or of permission, or null. */
export function noFileReason(err: unknown): NoLockFileReason | null {
  if (!(err instanceof UserError)) return null;
  if (err.code === 'DEST_FULL') return 'full';
  if (err.code === 'DEST_NOT_WRITABLE') return 'read-only';
  return null;
}

/** The plain sentence a job without a lock file says in its log and its result. */
export function withoutFileNote(reason: NoLockFileReason, operation: string): string {
  const why = reason === 'full' ? 'The backup drive is full' : 'The backup location is read-only';
  return `${why}, so this ${operation} ran without marking the drive as in use. Do not clean up old backups of this location from another computer until it has finished.`;
}

function contextOf(options: AcquireOptions): Ctx {
  return {
    host: options.hostname ?? os.hostname(),
    now: options.now ?? (() => new Date()),
    alive: options.isPidAlive ?? pidIsAlive,
    staleAfterMs: options.staleAfterMs ?? STALE_AFTER_MS,
    log: options.log ?? (() => undefined),
  };
}

/** Our lock file could not be written (full or read-only drive); live locks of others were checked first. */
class CannotPlace {
  constructor(
    readonly reason: NoLockFileReason,
    readonly err: unknown,
  ) {}
}

/** Check the live locks, write ours, check for a rival; the in-process reservation is the caller's. */
async function place(store: BlobStore, key: string, kind: LockKind, options: AcquireOptions, ctx: Ctx): Promise<HeldLock> {
  const clash = (l: LockFile) => conflicts(kind, l.kind) || (l.operation !== undefined && (options.conflictsWith ?? []).includes(l.operation));
  const conflicting = (await liveLocks(store, ctx)).find(clash);
  if (conflicting) throw busy(describeHolder(conflicting));
  options.signal?.throwIfAborted();

  const at = ctx.now().toISOString();
  const mine: LockFile = { version: 1, id: randomBytes(16).toString('hex'), kind, host: ctx.host, pid: options.pid ?? process.pid, createdAt: at, refreshedAt: at };
  if (options.operation) mine.operation = options.operation;
  const path = `locks/${mine.id}.json`;
  try {
    await store.put(path, Buffer.from(JSON.stringify(mine), 'utf8'));
  } catch (err) {
    const reason = noFileReason(err);
    throw reason ? new CannotPlace(reason, err) : err;
  }
  try {
    // Someone may have written a lock between our listing and our write. Both sides compare the
    // same two files, and the older one wins, so exactly one of us backs off.
    const rival = (await liveLocks(store, ctx, mine.id)).find((l) => clash(l) && isOlder(l, mine));
    if (rival) throw busy(describeHolder(rival));
  } catch (err) {
    await store.delete(path).catch(() => undefined);
    throw err;
  }
  return new HeldLock(store, key, mine, ctx, options.refreshIntervalMs ?? REFRESH_EVERY_MS, options.readOnlyJob ?? false);
}

export async function acquire(store: BlobStore, kind: LockKind, options: AcquireOptions = {}): Promise<Lock> {
  options.signal?.throwIfAborted();
  const ctx = contextOf(options);
  const key = locationKey(store);
  reserve(key, kind);
  try {
    return await place(store, key, kind, options, ctx);
  } catch (err) {
    if (err instanceof CannotPlace && options.readOnlyJob) {
      ctx.log('warn', withoutFileNote(err.reason, options.operation ?? 'job'));
      return new InProcessLock(store, key, kind, err.reason, options, ctx);
    }
    unreserve(key, kind);
    throw err instanceof CannotPlace ? err.err : err;
  }
}

/** The live lock files of a location (stale ones are removed on the way, as when acquiring). */
export async function listLiveLocks(store: BlobStore, options: Pick<AcquireOptions, 'hostname' | 'now' | 'isPidAlive' | 'staleAfterMs' | 'log'> = {}): Promise<LockFile[]> {
  return liveLocks(store, contextOf(options));
}

/** A lock that only this process knows about: the location could not take a lock file. */
class InProcessLock implements Lock {
  readonly path = '';
  readonly lost = null;
  private released = false;

  constructor(
    private readonly store: BlobStore,
    private readonly key: string,
    readonly kind: LockKind,
    readonly withoutFile: NoLockFileReason,
    private readonly options: AcquireOptions,
    private readonly ctx: Ctx,
  ) {}

  get id(): string {
    return '';
  }

  async refresh(): Promise<void> {
    if (this.released) throw new Error('This lock was released');
  }

  /**
   * Try again to write the lock file (after room was made, e.g. by prune): the held lock takes over
   * this reservation, so no other job of this process can slip in between. Null while it still cannot.
   */
  async tryPlaceFile(): Promise<Lock | null> {
    if (this.released) throw new Error('This lock was released');
    try {
      const held = await place(this.store, this.key, this.kind, this.options, this.ctx);
      this.released = true; // the reservation now belongs to `held`
      return held;
    } catch (err) {
      if (err instanceof CannotPlace) return null;
      throw err;
    }
  }

  async release(): Promise<void> {
    if (this.released) return;
    this.released = true;
    unreserve(this.key, this.kind);
  }
}

class HeldLock implements Lock {
  readonly path: string;
  readonly withoutFile = null;
  lost: UserError | null = null;
  private released = false;
  private readonly timer: NodeJS.Timeout | null;

  constructor(
    private readonly store: BlobStore,
    private readonly key: string,
    private readonly file: LockFile,
    private readonly ctx: Ctx,
    refreshIntervalMs: number,
    private readonly readOnlyJob: boolean,
  ) {
    this.path = `locks/${file.id}.json`;
    this.timer = refreshIntervalMs > 0 ? setInterval(() => void this.autoRefresh(), refreshIntervalMs) : null;
    this.timer?.unref(); // a forgotten lock must not keep the process alive
  }

  get id(): string {
    return this.file.id;
  }

  get kind(): LockKind {
    return this.file.kind;
  }

  async refresh(): Promise<void> {
    if (this.released) throw new Error('This lock was released');
    // If our file is gone, someone judged us stale; rewriting it could overlap an exclusive job.
    if (!(await this.store.exists(this.path))) {
      this.lost = busy(`the lock file ${this.path} was removed by someone else`);
      throw this.lost;
    }
    const updated: LockFile = { ...this.file, refreshedAt: this.ctx.now().toISOString() };
    await this.store.put(this.path, Buffer.from(JSON.stringify(updated), 'utf8'));
  }

  private async autoRefresh(): Promise<void> {
    try {
      await this.refresh();
    } catch (err) {
      this.ctx.log('warn', `Could not refresh the lock ${this.path}: ${err instanceof Error ? err.message : String(err)}`);
      // A reading job whose drive filled up (or turned read-only) meanwhile goes on, as it would
      // have without a lock file from the start; a job that writes must stop.
      if (this.readOnlyJob && noFileReason(err) !== null) return;
      if (err instanceof UserError) this.lost ??= err;
    }
  }

  async release(): Promise<void> {
    if (this.released) return;
    this.released = true;
    if (this.timer) clearInterval(this.timer);
    try {
      await this.store.delete(this.path);
    } finally {
      unreserve(this.key, this.file.kind);
    }
  }
}
