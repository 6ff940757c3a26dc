// Snapshot history of the TEST DOUBLE: the versions a replica set keeps so that a read at an
// `atClusterTime` sees the data as it was then, for `minSnapshotHistoryWindowInSeconds` (default 300).
//
// What the real server does (relied on here):
// - A snapshot read (readConcern {level: 'snapshot'}, 5.0+) returns majority-committed data as of one
//   cluster time; it "can only be performed within the time period specified by
//   minSnapshotHistoryWindowInSeconds" (manual, Read Concern "snapshot").
// - The parameter is settable at startup and at runtime (SERVER-47672); `setParameter` answers with
//   the previous value as `was`.
// - A read at a timestamp older than the oldest one kept fails with SnapshotTooOld (239), message
//   "Read timestamp Timestamp(T, I) is older than the oldest available timestamp."
//   (WiredTigerRecoveryUnit, src/mongo/db/storage/wiredtiger).
// - A collection created after the read timestamp cannot be read at it: SnapshotUnavailable (246).
//
// The double records, per collection, each change with the cluster time it became visible at; a
// read at T undoes the changes after T. Entries older than the window are dropped.
import { Timestamp } from 'bson';
import { CommandError } from './errors';
import type { StoredDoc } from './storage';

export const SNAPSHOT_TOO_OLD = { code: 239, codeName: 'SnapshotTooOld' };
export const SNAPSHOT_UNAVAILABLE = { code: 246, codeName: 'SnapshotUnavailable' };

/** A cluster time as one comparable number (seconds in the high 32 bits, increment in the low). */
export function tsKey(ts: Timestamp): bigint {
  return (BigInt(ts.high >>> 0) << 32n) | BigInt(ts.low >>> 0);
}

/** Server parameters the double models (getParameter/setParameter), with mongod's defaults. */
export class ServerParameters {
  minSnapshotHistoryWindowInSeconds = 300;
  ttlMonitorEnabled = true;
  ttlMonitorSleepSecs = 60;
  /** Called when a TTL parameter changes, so the monitor picks the new interval up at once (as mongod does). */
  onTtlChange?: () => void;

  get(name: string): unknown {
    if (name === 'minSnapshotHistoryWindowInSeconds' || name === 'ttlMonitorEnabled' || name === 'ttlMonitorSleepSecs') return this[name];
    return undefined;
  }

  /** Sets one parameter; returns the previous value. Throws for a value mongod refuses. */
  set(name: string, value: unknown): unknown {
    const was = this.get(name);
    if (name === 'ttlMonitorEnabled') {
      if (typeof value !== 'boolean') throw new CommandError('BadValue', `Invalid value for parameter ttlMonitorEnabled: ${String(value)} is not a valid boolean`);
      this.ttlMonitorEnabled = value;
      this.onTtlChange?.();
      return was;
    }
    const n = typeof value === 'number' ? value : Number((value as { valueOf?: () => unknown })?.valueOf?.());
    if (!Number.isInteger(n)) throw new CommandError('BadValue', `Invalid value for parameter ${name}: ${String(value)} is not a valid integer`);
    if (name === 'minSnapshotHistoryWindowInSeconds') {
      if (n < 0) throw new CommandError('BadValue', `Invalid value for parameter minSnapshotHistoryWindowInSeconds: ${n} is not greater than or equal to 0`);
      this.minSnapshotHistoryWindowInSeconds = n;
    } else {
      if (n < 1) throw new CommandError('BadValue', `Invalid value for parameter ttlMonitorSleepSecs: ${n} is not greater than or equal to 1`);
      this.ttlMonitorSleepSecs = n;
      this.onTtlChange?.();
    }
    return was;
  }
}

interface Change {
  at: bigint;
  /** Wall-clock second of the change (pruning by window). */
  second: number;
  key: string;
  /** The document before the change; undefined when the change inserted it. */
  before: StoredDoc | undefined;
}

/** The changes of one collection within the history window. */
export class VersionLog {
  private changes: Change[] = [];
  private head = 0;

  constructor(
    private readonly clock: () => Timestamp,
    private readonly window: () => number,
    /** When the collection came to exist (reads before it: SnapshotUnavailable). */
    readonly createdAt: bigint,
  ) {}

  /** Records a change about to be made (call before mutating). */
  record(key: string, before: StoredDoc | undefined): void {
    const ts = this.clock();
    this.changes.push({ at: tsKey(ts), second: ts.high >>> 0, key, before });
    this.prune(ts.high >>> 0);
  }

  private prune(nowSecond: number): void {
    const oldest = nowSecond - this.window();
    while (this.head < this.changes.length && this.changes[this.head].second < oldest) this.head += 1;
    if (this.head > 1024 && this.head * 2 > this.changes.length) {
      this.changes = this.changes.slice(this.head);
      this.head = 0;
    }
  }

  /** The documents as they were at `at`, from the current ones (natural order kept where it can be). */
  docsAt(current: Map<string, StoredDoc>, at: bigint): StoredDoc[] {
    if (at < this.createdAt) throw unavailable(at, this.createdAt);
    const last = this.changes.length - 1;
    if (last < this.head || this.changes[last].at <= at) return [...current.values()];
    const view = new Map(current);
    for (let i = last; i >= this.head && this.changes[i].at > at; i--) {
      const c = this.changes[i];
      if (c.before) view.set(c.key, c.before);
      else view.delete(c.key);
    }
    return [...view.values()];
  }
}

function show(at: bigint): string {
  return `Timestamp(${at >> 32n}, ${at & 0xffffffffn})`;
}

function unavailable(at: bigint, min: bigint): CommandError {
  return new CommandError(SNAPSHOT_UNAVAILABLE,
    `Unable to read from a snapshot due to pending collection catalog changes; please retry the operation. Snapshot timestamp is ${show(at)}. Collection minimum is ${show(min)}`);
}

/** Refuses a read timestamp older than the history window, as WiredTiger does. */
export function checkReadTimestamp(at: Timestamp, params: ServerParameters): bigint {
  const key = tsKey(at);
  const oldestSecond = Math.floor(Date.now() / 1000) - params.minSnapshotHistoryWindowInSeconds;
  if ((at.high >>> 0) < oldestSecond) {
    throw new CommandError(SNAPSHOT_TOO_OLD, `Read timestamp ${show(key)} is older than the oldest available timestamp.`);
  }
  return key;
}
